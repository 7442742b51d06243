from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "kommunpris.register"
    label = "register"
    verbose_name = "Kommunregistret"

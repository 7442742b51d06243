from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "kommunpris.desk"
    label = "desk"
    verbose_name = "Arbetsytan"

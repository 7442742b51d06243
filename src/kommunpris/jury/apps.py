from django.apps import AppConfig


class JuryConfig(AppConfig):
    name = "kommunpris.jury"
    label = "jury"
    verbose_name = "Jury"

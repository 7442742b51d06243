from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "kommunpris.awards"
    label = "awards"
    verbose_name = "Utmärkelser"

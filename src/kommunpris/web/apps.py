from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kommunpris.web"
    label = "web"
    verbose_name = "Webbplatsen"

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "kommunpris.search"
    label = "search"
    verbose_name = "Sökningen"

from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "kommunpris.archive"
    label = "archive"
    verbose_name = "Arkiv"

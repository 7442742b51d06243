from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "kommunpris.operations"
    label = "operations"
    verbose_name = "Drift"

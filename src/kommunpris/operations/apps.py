from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "kommunpris.operations"
    label = "operations"
    verbose_name = "Drift"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)

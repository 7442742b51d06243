from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "kommunpris.nominations"
    label = "nominations"
    verbose_name = "Nomineringar och kandidaturer"

    def ready(self) -> None:
        # Registers the builders of this app's e-mailed links (kommunpris.mail.links), so any
        # process that sends mail can build them.
        from . import links  # noqa: F401

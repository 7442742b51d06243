from django.apps import AppConfig


class JuryConfig(AppConfig):
    name = "kommunpris.jury"
    label = "jury"
    verbose_name = "Jury"

    def ready(self) -> None:
        # Registers the builders of this app's e-mailed links (kommunpris.mail.links), so any
        # process that sends mail can build them.
        from . import invitations  # noqa: F401

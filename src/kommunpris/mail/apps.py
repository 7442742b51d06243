from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "kommunpris.mail"
    label = "mail"
    verbose_name = "E-post"

    def ready(self) -> None:
        # Each app's messages and segments (their `mail_messages` modules).
        from .catalogue import autodiscover

        autodiscover()

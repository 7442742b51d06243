from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "kommunpris.mail"
    label = "mail"
    verbose_name = "E-post"

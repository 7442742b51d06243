from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "kommunpris.nominations"
    label = "nominations"
    verbose_name = "Nomineringar och kandidaturer"

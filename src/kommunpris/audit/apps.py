from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kommunpris.audit"
    label = "audit"
    verbose_name = "Granskningslogg"

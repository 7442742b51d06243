from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "kommunpris.reminders"
    label = "reminders"
    verbose_name = "Reminders"

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kommunpris.mail.services import send_pending_mail


class Command(BaseCommand):
    help = "Skickar e-post som väntar (t.ex. efter ett fel hos e-postservern)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent, pending = send_pending_mail()
        self.stdout.write(f"{sent} skickade, {pending} väntar fortfarande.")
        if pending:
            self.stderr.write("Några meddelanden kunde inte skickas; se loggen och försök igen.")

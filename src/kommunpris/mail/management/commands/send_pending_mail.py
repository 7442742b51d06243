"""`kommunpris send_pending_mail`: one pass over the waiting e-mail, or the worker (--loop)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kommunpris.mail import worker
from kommunpris.mail.services import send_pending_mail


class Command(BaseCommand):
    help = (
        "Skickar e-post som väntar. Med --loop: e-postarbetaren, som skickar allt som köas, "
        "försöker igen med ökande väntan och ger upp efter ett tak (tills den stoppas)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Kör som e-postarbetare tills SIGTERM/SIGINT (systemd-tjänsten kommunpris-mail).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="Sekunder mellan två pass när inget väntar (standard 2).",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=50,
            help="Så många meddelanden tar arbetaren åt gången (standard 50).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["loop"]:
            stop = threading.Event()
            # systemd stops the service with SIGTERM: the message being sent is finished first.
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            signal.signal(signal.SIGINT, lambda *_: stop.set())
            worker.run_forever(interval=options["interval"], stop=stop, batch=options["batch"])
            return
        sent, pending = send_pending_mail()
        self.stdout.write(f"{sent} skickade, {pending} väntar fortfarande.")
        if pending:
            self.stderr.write("Några meddelanden kunde inte skickas; se loggen och försök igen.")

"""`kommunpris send_pending_mail`: one pass over the waiting e-mail, or the worker (--loop)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.commands import SiteLanguageCommand
from kommunpris.mail import worker
from kommunpris.mail.services import send_pending_mail


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Sends the e-mail that is waiting. With --loop: the mail worker, which sends everything "
        "queued, tries again with growing waits and gives up after a limit (until it is stopped)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            action="store_true",
            help=_(
                "Run as the mail worker until SIGTERM/SIGINT (the systemd service kommunpris-mail)."
            ),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help=_("Seconds between two passes when nothing is waiting (default 2)."),
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=50,
            help=_("This many messages the worker takes at a time (default 50)."),
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
        self.stdout.write(
            _("%(sent)s sent, %(pending)s still waiting.") % {"sent": sent, "pending": pending}
        )
        if pending:
            self.stderr.write(_("Some messages could not be sent; see the log and try again."))

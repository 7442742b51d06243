"""`kommunpris flush` empties every table, the audit log included.

Django's flush would be refused by the audit log's triggers; emptying the whole database is the
one case where that is the point, so the protection is lifted for the flush and put back after.
The test suite relies on this between tests that commit.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush

from kommunpris.audit import protection


class Command(DjangoFlush):
    help = DjangoFlush.help + " The audit log is emptied too: its protection is lifted meanwhile."

    def handle(self, **options: Any) -> None:
        with protection.suspended(using=options["database"]):
            super().handle(**options)

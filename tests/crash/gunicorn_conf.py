"""gunicorn settings of the crash-safety harness: each worker reports how its database
connection is set up, so the test sees WAL and the busy timeout inside a real worker."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def post_worker_init(worker: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        report = {"pid": os.getpid()}
        for pragma in ("journal_mode", "busy_timeout", "synchronous"):
            cursor.execute(f"PRAGMA {pragma}")
            report[pragma] = cursor.fetchone()[0]
    connection.close()
    folder = os.environ.get("KOMMUNPRIS_WORKER_REPORTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, f"{os.getpid()}.json").write_text(json.dumps(report))

"""The production cache is Redis, shared by every worker process: the rate limits count with its
atomic increment, so processes that count at the same moment lose nothing and never let more
through than the limit."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# Runs in each process with the production settings: waits for the start signal, then tries to
# take `tries` uses of one limit and prints how many it got.
COUNTER = """
import json, os, sys, time
from pathlib import Path
import django
django.setup()
from django.conf import settings
from kommunpris.nominations import throttle
scope, limit, tries, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
the_limit = throttle.Limit(scope, "198.51.100.7", limit, 3600)
if tries == 0:
    print(json.dumps({"used": throttle.used(the_limit),
                      "backend": settings.CACHES["default"]["BACKEND"]}))
    sys.exit(0)
Path(sys.argv[5]).touch()
while not go.exists():
    time.sleep(0.002)
taken = 0
for _ in range(tries):
    try:
        throttle.reserve(the_limit)
    except throttle.Limited:
        continue
    taken += 1
print(json.dumps({"taken": taken}))
"""


def _environment(redis_url: str, folder: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="kommunpris.settings.production",
        DJANGO_SECRET_KEY="cache-test-only-" + "c" * 40,
        DJANGO_ALLOWED_HOSTS="kommunpris.example.se",
        DATABASE_URL=f"sqlite:///{folder / 'unused.sqlite3'}",
        EMAIL_HOST="127.0.0.1",
        REDIS_URL=redis_url,
        KOMMUNPRIS_VAR=str(folder),
    )
    return env


def test_processes_counting_one_limit_at_once_lose_nothing(redis_url: str, tmp_path: Path) -> None:
    env = _environment(redis_url, tmp_path)
    scope = f"flood-{uuid.uuid4().hex[:8]}"
    go = tmp_path / "go"
    # 600 tries from four processes for 500 uses: three processes alone can take at most 450, so
    # however the machine schedules them, every process must get some and 100 tries are refused.
    processes, tries, limit = 4, 150, 500
    counters = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, scope, str(limit), str(tries), str(go), str(ready)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ready in (tmp_path / f"ready-{n}" for n in range(processes))
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in range(processes)):
        assert all(c.poll() is None for c in counters), "a counting process stopped"
        assert time.monotonic() < deadline, "the counting processes did not start"
        time.sleep(0.01)
    go.touch()  # all of them at once
    taken = []
    for counter in counters:
        out, err = counter.communicate(timeout=120)
        assert counter.returncode == 0, err
        taken.append(json.loads(out)["taken"])

    # Every process got some, and together exactly the limit: no use lost, none given twice.
    assert all(t > 0 for t in taken), taken
    assert sum(taken) == limit
    check = subprocess.run(
        [sys.executable, "-c", COUNTER, scope, str(limit), "0", str(go)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout) == {
        "used": limit,
        "backend": "django.core.cache.backends.redis.RedisCache",
    }

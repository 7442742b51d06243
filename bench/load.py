"""Throughput and latency of nominations and score saves under gunicorn on SQLite (WAL).

Prepares a fresh database in a temporary folder (migrate, bootstrap, an edition taking
nominations and a jury scoring six candidacies, all through the services), starts
`gunicorn kommunpris.wsgi` on a free port of 127.0.0.1 and lets browser-like clients nominate,
confirm and save score sheets at once. Every loop is bounded; traffic goes only to 127.0.0.1.
For people to measure, never asserted.

    .venv/bin/python bench/load.py [--workers 4] [--nominators 3] [--nominations 20]
                                   [--jurors 3] [--saves 30]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from types import ModuleType

HARNESS = Path(__file__).resolve().parent.parent / "tests" / "crash" / "harness.py"
MAX_REQUESTS = 3000


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kommunpris_crash_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _ms(seconds: list[float], share: float) -> str:
    if not seconds:
        return "–"
    ordered = sorted(seconds)
    return f"{ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--nominators", type=int, default=3, help="nominating clients")
    parser.add_argument("--nominations", type=int, default=20, help="nominations per client")
    parser.add_argument("--jurors", type=int, default=3, choices=[0, 1, 2, 3])
    parser.add_argument("--saves", type=int, default=30, help="score-sheet saves per juror")
    args = parser.parse_args()
    requests = 4 * args.nominators * args.nominations + 2 * args.jurors * (args.saves + 1)
    if requests > MAX_REQUESTS:
        sys.exit(f"{requests} requests planned; the bench stops at {MAX_REQUESTS}.")

    harness = _harness()
    with tempfile.TemporaryDirectory(prefix="kommunpris-load-") as folder:
        site = harness.Site(Path(folder))
        print("Preparing a fresh database (migrate, bootstrap, editions, jury)…", flush=True)
        world = site.prepare()
        with harness.serving(site, workers=args.workers) as server:
            pragmas = site.worker_reports()[0]
            load = harness.Load(site=site, world=world, deadline=time.monotonic() + 600)
            clients = [
                partial(load.nominator, n, args.nominations) for n in range(args.nominators)
            ] + [
                partial(load.juror, email, args.saves, n)
                for n, email in enumerate(world["jurors"][: args.jurors])
            ]
            sent_before = harness.Browser.sent
            started = time.monotonic()
            errors = harness.run_clients(load, clients)
            wall = time.monotonic() - started
            sent = harness.Browser.sent - sent_before
            log = server.log
            if errors:
                sys.exit(f"a client failed: {errors[0]!r}; see {log}")

    print(
        f"\ngunicorn {args.workers} sync workers, SQLite journal_mode={pragmas['journal_mode']} "
        f"synchronous={pragmas['synchronous']} busy_timeout={pragmas['busy_timeout']} ms; "
        f"{len(clients)} clients at once, {sent} requests in {wall:.1f} s\n"
    )
    print(f"{'request':<22}{'count':>7}{'ok':>6}{'median ms':>11}{'p90 ms':>8}{'max ms':>8}")
    kinds = {"nominate": "nomination (POST)", "confirm": "confirmation (POST)"}
    kinds["score"] = "score save (POST)"
    for kind, label in kinds.items():
        done = [o for o in load.outcomes if o.kind == kind]
        seconds = [o.seconds for o in done if o.answered is not None]
        print(
            f"{label:<22}{len(done):>7}{sum(o.succeeded for o in done):>6}"
            f"{_ms(seconds, 0.5):>11}{_ms(seconds, 0.9):>8}{_ms(seconds, 1.0):>8}"
        )
    for kind in sorted({k for k, _ in load.reads}):
        seconds = [s for k, s in load.reads if k == kind]
        label = f"{kind} (GET)"
        print(
            f"{label:<22}{len(seconds):>7}{'':>6}"
            f"{_ms(seconds, 0.5):>11}{_ms(seconds, 0.9):>8}{_ms(seconds, 1.0):>8}"
        )
    writes = load.successes()
    print(
        f"\n{len(writes)} writes answered with success: {len(writes) / wall:.1f} writes/s "
        f"({sent / wall:.1f} requests/s overall, median write "
        f"{statistics.median(o.seconds for o in writes) * 1000:.0f} ms)."
    )


if __name__ == "__main__":
    main()

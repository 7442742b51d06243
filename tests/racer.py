"""One browser of a race, in its own process: signs in as a person, waits for the start signal,
sends one request and prints what came back (JSON). Run by tests/races/conftest.py with
DATABASE_URL naming the database the test process shares with it."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402

from kommunpris.accounts.testing import sign_in_verified  # noqa: E402


def main() -> None:
    spec = json.loads(sys.argv[1])
    client = sign_in_verified(Client(), User.objects.get(username=spec["user"]))
    Path(spec["ready"]).touch()
    go = Path(spec["go"])
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("the start signal never came")
        time.sleep(0.002)
    response = client.post(spec["path"], spec["data"])
    answer = {"status": response.status_code, "text": response.content.decode()}
    if response.status_code == 302:
        # The page the person lands on, with the message the request left for them.
        landed = client.get(response["Location"])
        answer["landed"] = landed.content.decode()
    print(json.dumps(answer))


if __name__ == "__main__":
    main()

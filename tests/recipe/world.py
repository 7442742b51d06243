"""What the recipe's visitors need, made through the services; run inside Django (the production
settings, the recipe's database) by tests/recipe/conftest.py. Prints JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.utils import timezone  # noqa: E402

from kommunpris.awards.selectors import award  # noqa: E402
from kommunpris.awards.services import create_edition, open_nominations  # noqa: E402

ORGANISER = "organisator@recipe.example.invalid"
PASSWORD = "Receptets-organisatör-2027"


def main() -> None:
    now = timezone.now()
    the_award = award()
    year = next(y for y in range(now.year + 1, now.year + 10) if the_award.is_on_cadence(y))
    edition = create_edition(
        award=the_award,
        year=year,
        nominations_close_at=now + timedelta(days=30),
        supplement_close_at=now + timedelta(days=45),
        ceremony_at=now + timedelta(days=300),
        actor="cli",
    )
    open_nominations(edition=edition, actor="cli", now=now)
    # An organiser account, as `kommunpris createsuperuser` would make one.
    User.objects.create_user(ORGANISER, ORGANISER, PASSWORD, is_staff=True)
    print(json.dumps({"year": year, "organiser": ORGANISER, "password": PASSWORD}))


if __name__ == "__main__":
    main()

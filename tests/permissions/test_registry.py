"""One vocabulary of abilities: `may` and `{% may %}` ask the registered predicates."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.jury.models import Membership, Role
from kommunpris.permissions import UnknownAbility, may, register
from kommunpris.permissions.accounts import is_organiser
from kommunpris.permissions.registry import abilities


@pytest.fixture
def deliberating(award: Award) -> Edition:
    return Edition.objects.create(award=award, year=2099, phase=Phase.DELIBERATION)


def _person(username: str, *, staff: bool = False) -> User:
    return User.objects.create_user(username, f"{username}@example.se", "pw", is_staff=staff)


def _seat(edition: Edition, user: User) -> Membership:
    return Membership.objects.create(
        edition=edition, user=user, role=Role.CHAIR, invited_at=timezone.now(), invited_by="cli"
    )


def test_every_area_registers_its_abilities() -> None:
    assert {
        "desk.organise",
        "desk.use",
        "accounts.manage",
        "accounts.reset_two_factor",
        "mail.manage",
        "nominations.curate",
        "jury.view",
        "jury.lead",
        "jury.decide",
        "jury.cast_ballot",
    } <= set(abilities())


def test_may_asks_the_registered_predicate(deliberating: Edition) -> None:
    organiser = _person("organiser", staff=True)
    chair = _person("chair")
    _seat(deliberating, chair)
    assert may(organiser, "desk.organise") is True
    assert may(chair, "desk.organise") is False
    assert may(chair, "jury.decide", deliberating) is True
    assert may(organiser, "jury.decide", deliberating) is False
    assert may(organiser, "jury.view", deliberating) is True
    assert may(AnonymousUser(), "jury.view", deliberating) is False


def test_may_without_the_target_an_ability_needs_is_denied(deliberating: Edition) -> None:
    chair = _person("chair")
    _seat(deliberating, chair)
    assert may(chair, "jury.decide") is False


def test_may_an_unknown_ability_names_the_known_ones() -> None:
    with pytest.raises(UnknownAbility, match="jury.decide"):
        may(AnonymousUser(), "jury.decyde")


def test_register_refuses_a_second_predicate_under_one_name() -> None:
    with pytest.raises(ValueError, match="desk.organise is registered already"):
        register("desk.organise", lambda user: True)
    assert register("desk.organise", is_organiser) is is_organiser


def test_template_tag_asks_for_the_request_user(db: None, deliberating: Edition) -> None:
    chair = _person("chair")
    _seat(deliberating, chair)
    template = Template(
        "{% load permissions %}"
        '{% may "jury.decide" edition as can_decide %}{% may "desk.organise" as organiser %}'
        "{% if can_decide %}Besluta{% endif %}|{% if organiser %}Arrangör{% endif %}"
    )
    request = RequestFactory().get("/")
    request.user = chair
    assert template.render(Context({"request": request, "edition": deliberating})) == "Besluta|"
    request.user = _person("organiser", staff=True)
    assert template.render(Context({"request": request, "edition": deliberating})) == "|Arrangör"

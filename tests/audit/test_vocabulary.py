"""The audit vocabulary writes exactly the strings the log has always stored."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from kommunpris.audit.vocabulary import (
    BOOTSTRAP,
    CLI,
    PUBLIC,
    SYSTEM,
    Action,
    UnknownActor,
    actor_label,
    award_target,
    candidacy_target,
    contact_target,
    edition_key_target,
    edition_target,
    nomination_target,
    user_target,
)
from kommunpris.awards.models import Award, Edition
from kommunpris.nominations.models import MunicipalityContact
from kommunpris.register.models import Municipality


def test_action_values_are_the_stored_strings() -> None:
    assert Action.EDITION_NOMINATIONS_OPENED == "edition.nominations_opened"
    assert Action.CONTACT_LINK_REQUEST_WITHOUT_CONTACT.value == (
        "contact.link_request_without_contact"
    )
    assert f"{Action.JURY_BALLOT_CAST}" == "jury.ballot_cast"


def test_action_names_follow_their_values() -> None:
    assert [a.name for a in Action] == [a.value.upper().replace(".", "_") for a in Action]
    assert len({a.value for a in Action}) == len(Action)


def test_actor_label_of_users_contacts_and_machines(db: None) -> None:
    with_address = User(username="anna", email="anna@example.se")
    without_address = User(username="bertil", email="")
    contact = MunicipalityContact(email="kontakt@lund.se")
    assert actor_label(with_address) == "anna@example.se"
    assert actor_label(without_address) == "bertil"
    assert actor_label(contact) == "contact:kontakt@lund.se"
    assert actor_label(AnonymousUser()) == "public"
    assert [actor_label(a) for a in (PUBLIC, SYSTEM, CLI, BOOTSTRAP)] == [
        "public",
        "system",
        "cli",
        "bootstrap",
    ]


@pytest.mark.parametrize("stranger", ["anna@example.se", "contact:x@y.se", "", 42, None])
def test_actor_label_refuses_anything_else(stranger: object) -> None:
    with pytest.raises(UnknownActor):
        actor_label(stranger)


def test_targets_as_stored() -> None:
    award = Award(slug="digitaliseringskommun")
    edition = Edition(award=award, year=2025)
    lund = Municipality(code="1281")
    assert award_target(award) == "award:digitaliseringskommun"
    assert edition_target(edition) == "edition:digitaliseringskommun:2025"
    assert edition_key_target(award_slug="digitaliseringskommun", year=2025) == (
        edition_target(edition)
    )
    assert contact_target(edition=edition, municipality=lund) == (
        "contact:edition:digitaliseringskommun:2025:1281"
    )
    assert candidacy_target(7) == "candidacy:7"
    assert nomination_target(Edition(pk=9)) == "nomination:9"
    assert user_target("anna") == "user:anna"

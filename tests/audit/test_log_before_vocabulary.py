"""An audit log written before the audit vocabulary (tests/audit/data/README.md says how it was
made) still verifies, and the vocabulary names exactly what it stored: every action is an
`Action`, every actor and target is what today's helpers write for the same person or thing."""

from __future__ import annotations

import io
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import call_command

from kommunpris.audit import protection
from kommunpris.audit.models import AuditEvent
from kommunpris.audit.services import record_event
from kommunpris.audit.verification import verify_chain
from kommunpris.audit.vocabulary import (
    CLI,
    CONTACTS,
    MACHINE_ACTORS,
    NOMINATIONS,
    REGISTER,
    Action,
    actor_label,
    award_target,
    candidacy_target,
    contact_target,
    edition_key_target,
    mail_target,
    nomination_target,
    user_target,
)
from kommunpris.awards.models import Award, Edition
from kommunpris.nominations.models import MunicipalityContact
from kommunpris.register.models import Municipality

OLD_LOG = Path(__file__).parent / "data" / "log-before-vocabulary.exactjson.gz"
OLD_HEAD = "db1a83e161735a7de2e28c2a67c0e21f0e037f4a32ba8daf5379654e3b63d890"


def _load_old_log() -> list[AuditEvent]:
    """The old log alone in the table (inside the test's transaction, rolled back after it)."""
    with protection.suspended():
        AuditEvent.objects.all().delete()
        call_command("loaddata", str(OLD_LOG), verbosity=0)
    return list(AuditEvent.objects.order_by("id"))


def _actor_again(stored: str) -> str:
    """What actor_label writes for the person or machine the stored actor names."""
    if stored in MACHINE_ACTORS:
        return actor_label(stored)
    if stored.startswith("contact:"):
        return actor_label(MunicipalityContact(email=stored.removeprefix("contact:")))
    return actor_label(User(username=stored, email=stored))


def _target_again(stored: str) -> str:
    """What today's target helpers write for the thing the stored target names."""
    if stored in (REGISTER, CONTACTS, NOMINATIONS):
        return stored
    kind, _, key = stored.partition(":")
    if kind == "edition":
        slug, year = key.split(":")
        return edition_key_target(award_slug=slug, year=int(year))
    if kind == "contact":
        _edition, slug, year, code = key.split(":")
        edition = Edition(award=Award(slug=slug), year=int(year))
        return contact_target(edition=edition, municipality=Municipality(code=code))
    if kind == "award":
        return award_target(Award(slug=key))
    if kind == "user":
        return user_target(key)
    builders = {"candidacy": candidacy_target, "nomination": nomination_target, "mail": mail_target}
    return builders[kind](int(key))


def test_old_log_verifies_and_every_action_is_in_the_vocabulary(db: None) -> None:
    events = _load_old_log()
    report = verify_chain()
    assert (report.events, report.head_hash, report.first_break) == (341, OLD_HEAD, None)
    assert {event.action for event in events} <= set(Action)
    assert len({event.action for event in events}) == 53


def test_old_log_actors_and_targets_are_what_the_helpers_write(db: None) -> None:
    events = _load_old_log()
    assert [e.actor for e in events] == [_actor_again(e.actor) for e in events]
    assert [e.target for e in events] == [_target_again(e.target) for e in events]
    assert {e.actor for e in events if "@" not in e.actor} == {
        "bootstrap",
        "cli",
        "public",
        "system",
    }
    assert any(e.actor.startswith("contact:") for e in events)


def test_todays_code_continues_the_old_chain(db: None) -> None:
    _load_old_log()
    event = record_event(
        action=Action.EDITION_CHANGED,
        actor=actor_label(CLI),
        target=edition_key_target(award_slug="digitaliseringskommun", year=2031),
        after={"venue": "Malmö"},
    )
    assert event.previous_hash == OLD_HEAD
    out = io.StringIO()
    call_command("verify_audit", "--checkpoint", OLD_HEAD, stdout=out)
    assert out.getvalue().startswith("Granskningsloggen är obruten: 342 händelser.")

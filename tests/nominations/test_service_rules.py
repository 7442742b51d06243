"""Every service of the call asks the permission layer itself, so a command, the API or a later
caller cannot skip a rule; a refusal is a domain error with its HTTP answer and changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail

from kommunpris import errors
from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import CLI, PUBLIC
from kommunpris.nominations.models import (
    Candidacy,
    MunicipalityContact,
    Nomination,
    NominationStatus,
    Response,
)
from kommunpris.nominations.selectors import candidacies
from kommunpris.nominations.services import (
    NotTheOrganiser,
    NotYourCandidacy,
    join_candidacies,
    purge_personal_data,
    register_contact,
    reject_nomination,
    respond_to_candidacy,
    save_contribution,
)
from kommunpris.register.models import Municipality

REFUSED = (
    "Endast en arrangör kan ändra nomineringens nomineringar, kandidaturer och kontaktpersoner. "
    "Logga in med ett arrangörskonto."
)


@pytest.fixture
def field(edition, nominate, confirm, link_in):
    """Sundsvall and Mora, each with one confirmed nomination."""
    for name, address in (("Sundsvall", "anna@example.se"), ("Mora", "mora@example.se")):
        nominate(municipality=name, nominator_email=address)
        confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    return edition


@pytest.fixture
def juror(db) -> User:
    return User.objects.create_user("juror@example.se", "juror@example.se", "x")


def _contact(edition, name: str, organiser: User) -> MunicipalityContact:
    return register_contact(
        edition=edition,
        municipality=Municipality.objects.get(name=name),
        email=f"kontakt@{name.lower()}.se",
        actor=organiser,
    )


@pytest.mark.parametrize("who", ["juror", "anonymous", "public", "an address"])
def test_only_an_organiser_or_the_command_line_does_the_organisers_work(field, juror, who):
    actor = {
        "juror": juror,
        "anonymous": AnonymousUser(),
        "public": PUBLIC,
        "an address": "organiser@example.se",
    }[who]
    nomination = Nomination.objects.get(municipality__name="Mora")
    events = AuditEvent.objects.count()
    refusals = []
    for attempt in (
        lambda: reject_nomination(nomination=nomination, reason="Skräp, samma text", actor=actor),
        lambda: join_candidacies(candidacies=list(candidacies(field)), actor=actor),
        lambda: register_contact(
            edition=field,
            municipality=Municipality.objects.get(name="Mora"),
            email="kontakt@mora.se",
            actor=actor,
        ),
        lambda: purge_personal_data(actor=actor),
    ):
        with pytest.raises(NotTheOrganiser) as refused:
            attempt()
        refusals.append((str(refused.value), errors.http_status(refused.value)))
    assert refusals == [(REFUSED, 403)] * 4
    assert isinstance(refused.value, errors.NotAllowed)
    assert AuditEvent.objects.count() == events
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.CONFIRMED
    assert candidacies(field).count() == 2
    assert not MunicipalityContact.objects.exists()


def test_the_command_line_and_an_organiser_may(field, organiser):
    nomination = Nomination.objects.get(municipality__name="Mora")
    rejected = reject_nomination(nomination=nomination, reason="Skräp, samma text", actor=CLI)
    assert (rejected.status, rejected.rejected_by) == (NominationStatus.REJECTED, "cli")
    contact = _contact(field, "Sundsvall", organiser)
    event = AuditEvent.objects.get(action="contact.registered")
    assert (event.actor, event.target) == (
        "organiser@example.se",
        "contact:edition:digitaliseringskommun:2027:2281",
    )
    assert contact.email == "kontakt@sundsvall.se"


def test_a_contact_changes_only_its_own_municipalitys_candidacy(field, organiser, juror):
    sundsvall = candidacies(field).get(members__municipality__name="Sundsvall")
    mora_contact = _contact(field, "Mora", organiser)
    events = AuditEvent.objects.count()
    for actor in (mora_contact, juror, organiser, PUBLIC):
        with pytest.raises(NotYourCandidacy) as refused:
            respond_to_candidacy(candidacy=sundsvall, actor=actor, accept=True)
        assert (str(refused.value), errors.http_status(refused.value)) == (
            "Du kan bara ändra din egen kommuns kandidatur.",
            403,
        )
        with pytest.raises(NotYourCandidacy):
            save_contribution(candidacy=sundsvall, actor=actor, proud="Vi", effect="", learned="")
    assert AuditEvent.objects.count() == events
    assert Candidacy.objects.get(pk=sundsvall.pk).response == Response.PENDING


def test_a_contacts_own_answer_is_logged_under_the_contacts_name(field, organiser):
    sundsvall = candidacies(field).get(members__municipality__name="Sundsvall")
    contact = _contact(field, "Sundsvall", organiser)
    respond_to_candidacy(candidacy=sundsvall, actor=contact, accept=True)
    event = AuditEvent.objects.get(action="candidacy.accepted")
    assert (event.actor, event.target) == (
        "contact:kontakt@sundsvall.se",
        f"candidacy:{sundsvall.pk}",
    )

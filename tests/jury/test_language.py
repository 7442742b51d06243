"""A juror's language: kept on their seat from the invitation, theirs to change on the desk, and
followed by the jury's mail to them; an English juror reads the desk and its refusals in English."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from kommunpris.audit.models import AuditEvent
from kommunpris.jury import services
from kommunpris.jury.models import Membership, Role, TieKind
from kommunpris.nominations.models import Stage

from .conftest import PASSWORD, Jury, signed_in

EMMA = "emma@example.se"


def _invite_emma(jury: Jury) -> Membership:
    seat = services.invite_member(
        edition=jury.edition,
        email=EMMA,
        role=Role.JUROR,
        name="Emma Wood",
        language="en",
        actor=jury.organiser,
    )
    services.accept_invitation(actor=seat.user, password=PASSWORD)
    return seat


def seat_of(jury: Jury, user: object) -> Membership:
    return Membership.objects.select_related("edition__award", "user").get(
        edition=jury.edition, user=user
    )


def _last_mail_to(address: str) -> mail.EmailMessage:
    return [message for message in mail.outbox if message.to == [address]][-1]


def test_the_invitations_language_stays_the_jurors_and_their_mail_follows_their_choice(
    jury: Jury, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        seat = _invite_emma(jury)
    assert Membership.objects.get(pk=seat.pk).language == "en"
    invitation = _last_mail_to(EMMA)
    assert invitation.subject == "Invitation to the jury of Sveriges DigitaliseringsKommun 2029"
    assert "/en/arbetsyta/jury/inbjudan/" in invitation.body

    with django_capture_on_commit_callbacks(execute=True):
        services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    opened = _last_mail_to(EMMA)
    assert opened.subject == "Scoring has opened: Sveriges DigitaliseringsKommun 2029"
    assert "/en/arbetsyta/jury/2029/" in opened.body
    # The others keep the Swedish they were invited in.
    assert _last_mail_to("anna@example.se").subject == (
        "Bedömningen har öppnat: Sveriges DigitaliseringsKommun 2029"
    )

    emma = signed_in(seat.user)
    answer = emma.post(
        reverse("desk:jury-language", kwargs={"year": 2029}), {"language": "sv"}, follow=True
    )
    assert answer.status_code == 200
    assert "Juryns e-post till dig skrivs nu på svenska." in answer.content.decode()
    assert Membership.objects.get(pk=seat.pk).language == "sv"
    changed = AuditEvent.objects.get(action="jury.language_changed")
    assert (changed.actor, changed.before, changed.after) == (
        EMMA,
        {"email": EMMA, "language": "en"},
        {"email": EMMA, "language": "sv"},
    )

    services.move_candidacy(candidacy=jury.timra, stage=Stage.NOMINEE, actor=jury.chair)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_round(edition=jury.edition, stage=Stage.NOMINEE, actor=jury.chair)
    assert _last_mail_to(EMMA).subject == (
        "Bedömningen har öppnat: Sveriges DigitaliseringsKommun 2029"
    )


def test_a_juror_changes_only_their_own_language(jury: Jury) -> None:
    with pytest.raises(services.NotFound):
        services.set_member_language(seat=seat_of(jury, jury.bo), language="en", actor=jury.anna)
    with pytest.raises(services.Invalid, match="Okänt språk 'de'"):
        services.set_member_language(seat=seat_of(jury, jury.anna), language="de", actor=jury.anna)
    assert set(Membership.objects.values_list("language", flat=True)) == {"sv"}


def test_an_english_juror_reads_the_desk_and_its_refusals_in_english(jury: Jury) -> None:
    _invite_emma(jury)
    emma_user = Membership.objects.get(user__email=EMMA).user
    services.declare_tie(
        seat=seat_of(jury, emma_user),
        kind=TieKind.ORGANISATION,
        organisation="Sambruk",
        actor=emma_user,
    )
    emma = signed_in(emma_user)
    with translation.override("en"):
        ties = reverse("desk:jury-ties", kwargs={"year": 2029})
    assert ties == "/en/arbetsyta/jury/2029/jav/"

    # A refusal of the service itself, shown in the form: the tie is there already.
    page = emma.post(ties, {"kind": TieKind.ORGANISATION, "organisation": " Sambruk "})
    html = page.content.decode()
    assert page.status_code == 400
    assert '<html lang="en"' in html
    assert "<h1>My ties</h1>" in html
    assert "That tie is declared already." in html
    assert "redan anmäld" not in html

    # A refusal shown as a message on the next page: scoring has begun, the tie stays.
    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    tie = seat_of(jury, emma_user).ties.get()
    page = emma.post(ties, {"withdraw": str(tie.pk)}, follow=True)
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(
        r"The scoring of Sveriges DigitaliseringsKommun 2029 has begun; a declared tie stays "
        r"in the recusal record\s+and cannot be withdrawn\.",
        html,
    ), html

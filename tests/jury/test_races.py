"""Phase changes under a lock: two requests that change the same edition at the same moment,
from two processes with their own database connections, never both pass the phase guard."""

from __future__ import annotations

from collections import Counter

import pytest

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.archive.models import Winner
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Phase
from kommunpris.jury import services
from kommunpris.jury.models import Decision, ScoringRound
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.models import Stage

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _finalists(jury, *finalists):
    for scoring_round in ScoringRound.objects.filter(edition=jury.edition, closed_at__isnull=True):
        services.close_round(scoring_round=scoring_round, actor=jury.chair)
    for candidacy in finalists:
        services.move_candidacy(candidacy=candidacy, stage=Stage.FINALIST, actor=jury.chair)
    # The chair's authenticator is set up before the race, as it would be.
    from django.test import Client

    sign_in_verified(Client(), jury.chair)


def test_two_simultaneous_start_deliberation_queue_each_jurors_mail_once(jury, shared_database):
    _finalists(jury, jury.ovanaker, jury.timra)
    path = f"/arbetsyta/jury/{jury.edition.year}/fas/"
    click = shared_database.Racer(
        jury.chair.username, path, {"action": "start_deliberation", "confirmed": "yes"}
    )

    answers = shared_database.race(click, click)

    assert [a["status"] for a in answers] == [302, 302]
    landed = sorted(
        "begun"
        if "Överläggningen har börjat och den slutliga omröstningen är öppen." in a["landed"]
        else "refused"
        if f"Överläggningen om {jury.edition.title} har redan börjat." in a["landed"]
        else a["landed"]
        for a in answers
    )
    assert landed == ["begun", "refused"]
    jury.refresh()
    assert jury.edition.phase == Phase.DELIBERATION
    assert AuditEvent.objects.filter(action="edition.deliberation_started").count() == 1
    ballot_mail = Counter(
        OutgoingMail.objects.filter(template="jury/ballot_open").values_list("to", flat=True)
    )
    assert ballot_mail == {juror.email: 1 for juror in jury.jurors}


def test_two_racing_decisions_give_one_decision_and_a_clear_refusal(jury, shared_database):
    _finalists(jury, jury.ovanaker, jury.timra)
    services.start_deliberation(edition=jury.edition, actor=jury.chair)
    path = f"/arbetsyta/jury/{jury.edition.year}/beslut/"

    def decide(candidacy, name):
        return shared_database.Racer(
            jury.chair.username,
            path,
            {
                "action": "decide",
                "candidacy": str(candidacy.pk),
                "display_name": name,
                "motivation": f"{name} visar vägen.",
                "motivation_en": "",
                "publish_at": "2029-11-14T18:00",
                "departure_reason": "",
                "confirmed": "yes",
            },
        )

    answers = shared_database.race(
        decide(jury.ovanaker, "Ovanåkers kommun"), decide(jury.timra, "Timrå kommun")
    )

    assert sorted(a["status"] for a in answers) == [302, 400]
    [refused] = [a for a in answers if a["status"] == 400]
    assert (
        f"Juryns beslut om {jury.edition.title} är redan registrerat och kan inte registreras "
        "en gång till. Ladda om sidan för att se det." in refused["text"]
    )
    [accepted] = [a for a in answers if a["status"] == 302]
    assert "Beslutet är registrerat. Poäng och röster är låsta." in accepted["landed"]
    [decision] = Decision.objects.filter(edition=jury.edition)
    [winner] = Winner.objects.filter(edition=jury.edition)
    [place] = winner.places
    assert (place.code, winner.display_name) == (
        decision.candidacy.municipalities[0].code,
        {"2121": "Ovanåkers kommun", "2262": "Timrå kommun"}[place.code],
    )
    assert AuditEvent.objects.filter(action="edition.decided").count() == 1
    assert Counter(
        OutgoingMail.objects.filter(template="jury/decided").values_list("to", flat=True)
    ) == {juror.email: 1 for juror in jury.jurors}

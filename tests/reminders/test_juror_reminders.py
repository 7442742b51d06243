"""The chair gives a scoring round its last day; jurors with sheets left are reminded before it,
once per round, at controlled clock times. The rules of the last day itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import SYSTEM
from kommunpris.errors import Conflict, Invalid, NotAllowed
from kommunpris.jury import services
from kommunpris.nominations.models import Stage
from kommunpris.permissions.jury import conflicted_candidacy_ids
from kommunpris.reminders.models import Kind, Reminder, RoundDeadline
from kommunpris.reminders.services import (
    clear_round_deadline,
    send_due_reminders,
    set_round_deadline,
)
from tests.jury.conftest import Jury

from .conftest import at

OPENED = at(2029, 9, 1, 10, 0)
LAST_DAY = at(2029, 9, 20, 17, 0)


@pytest.fixture
def scoring(jury: Jury, settings) -> Jury:
    """The 2029 jury, its rubric, the round for all candidacies opened on 1 September."""
    settings.KOMMUNPRIS_SITE_URL = "https://kommunpris.example.se"
    with time_machine.travel(OPENED, tick=False):
        jury.edition.ceremony_at = at(2029, 11, 14, 18, 0)
        jury.edition.save(update_fields=["ceremony_at"])
        services.seed_default_rubric(edition=jury.edition, actor=jury.organiser)
        services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
        mail.outbox.clear()
    return jury


def _run(capture) -> int:
    with capture(execute=True):
        return send_due_reminders(actor=SYSTEM).counts[Kind.JUROR_ROUND]


def _submit_all(world: Jury, juror, marks) -> None:
    scoring_round = world.round(Stage.CANDIDACY)
    for candidacy in world.candidacies:
        if candidacy.pk in _hidden(world, juror):
            continue
        services.save_score_sheet(
            scoring_round=scoring_round,
            candidacy=candidacy,
            actor=juror,
            entries=marks(world.criteria(), 3),
            submit=True,
        )


def _hidden(world: Jury, juror) -> set[int]:
    return set(conflicted_candidacy_ids(juror, world.edition))


def test_jurors_with_sheets_left_are_reminded_once_before_the_last_day(
    scoring,
    full_marks,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(at(2029, 9, 2, 9, 0), tick=False) as clock:
        set_round_deadline(
            edition=scoring.edition, stage=Stage.CANDIDACY, closes_at=LAST_DAY, actor=scoring.chair
        )
        _submit_all(scoring, scoring.anna, full_marks)  # Anna is done

        # Three days before 20 September: from 17 September 08:00.
        clock.move_to(at(2029, 9, 17, 7, 59), tick=False)
        assert _run(capture) == 0
        clock.move_to(at(2029, 9, 17, 8, 0), tick=False)
        assert _run(capture) == 3
        clock.move_to(at(2029, 9, 19, 8, 0), tick=False)
        assert _run(capture) == 0

    reminded = sorted(m.to[0] for m in mail.outbox)
    assert reminded == ["bo@example.se", "cia@example.se", "ordforande@example.se"]
    bo = next(m for m in mail.outbox if m.to == ["bo@example.se"])
    assert bo.subject == (
        "Påminnelse: omgången för alla kandidaturer stänger 20 september 2029 kl. 17:00 – "
        "Sveriges DigitaliseringsKommun 2029"
    )
    # Bo is conflicted out of the joint candidacy: four of the five are his to score.
    assert "Du har 4 bedömningar kvar att lämna in, av 4." in bo.body
    assert "https://kommunpris.example.se/arbetsyta/jury/2029/omgang/kandidatur/" in bo.body
    assert set(Reminder.objects.values_list("kind", "stage", "recipient")) == {
        (Kind.JUROR_ROUND, Stage.CANDIDACY, "bo@example.se"),
        (Kind.JUROR_ROUND, Stage.CANDIDACY, "cia@example.se"),
        (Kind.JUROR_ROUND, Stage.CANDIDACY, "ordforande@example.se"),
    }


def test_no_juror_reminder_without_a_last_day_or_once_the_round_is_closed(
    scoring, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(at(2029, 9, 18, 9, 0), tick=False):
        assert _run(capture) == 0  # no last day given
        set_round_deadline(
            edition=scoring.edition, stage=Stage.CANDIDACY, closes_at=LAST_DAY, actor=scoring.chair
        )
        services.close_round(scoring_round=scoring.round(Stage.CANDIDACY), actor=scoring.chair)
        assert _run(capture) == 0
    assert mail.outbox == []


def test_only_the_chair_sets_a_last_day_and_it_is_audited(scoring):
    with time_machine.travel(at(2029, 9, 2, 9, 0), tick=False):
        for person in (scoring.anna, scoring.organiser):
            with pytest.raises(NotAllowed):
                set_round_deadline(
                    edition=scoring.edition,
                    stage=Stage.CANDIDACY,
                    closes_at=LAST_DAY,
                    actor=person,
                )
        assert not RoundDeadline.objects.exists()

        set_round_deadline(
            edition=scoring.edition, stage=Stage.CANDIDACY, closes_at=LAST_DAY, actor=scoring.chair
        )
        later = LAST_DAY + timedelta(days=2)
        set_round_deadline(
            edition=scoring.edition, stage=Stage.CANDIDACY, closes_at=later, actor=scoring.chair
        )
        clear_round_deadline(edition=scoring.edition, stage=Stage.CANDIDACY, actor=scoring.chair)

    events = list(
        AuditEvent.objects.filter(action__startswith="jury.round_deadline").order_by("id")
    )
    assert [(e.action, e.actor, e.before, e.after) for e in events] == [
        (
            "jury.round_deadline_set",
            "ordforande@example.se",
            None,
            {"stage": "candidacy", "closes_at": "2029-09-20T15:00:00Z"},
        ),
        (
            "jury.round_deadline_set",
            "ordforande@example.se",
            {"stage": "candidacy", "closes_at": "2029-09-20T15:00:00Z"},
            {"stage": "candidacy", "closes_at": "2029-09-22T15:00:00Z"},
        ),
        (
            "jury.round_deadline_cleared",
            "ordforande@example.se",
            {"stage": "candidacy", "closes_at": "2029-09-22T15:00:00Z"},
            None,
        ),
    ]


def test_a_last_day_in_the_past_or_after_the_gala_is_refused(scoring):
    with time_machine.travel(at(2029, 9, 2, 9, 0), tick=False):
        with pytest.raises(Invalid) as past:
            set_round_deadline(
                edition=scoring.edition,
                stage=Stage.NOMINEE,
                closes_at=at(2029, 9, 1, 12, 0),
                actor=scoring.chair,
            )
        assert str(past.value) == (
            "Sista dagen måste ligga framåt i tiden; 1 september 2029 kl. 12:00 har redan varit."
        )
        with pytest.raises(Invalid) as after_gala:
            set_round_deadline(
                edition=scoring.edition,
                stage=Stage.NOMINEE,
                closes_at=at(2029, 11, 20, 12, 0),
                actor=scoring.chair,
            )
        assert str(after_gala.value) == (
            "Sista dagen måste ligga före galan (14 november 2029 kl. 18:00)."
        )
        services.close_round(scoring_round=scoring.round(Stage.CANDIDACY), actor=scoring.chair)
        with pytest.raises(Conflict):
            set_round_deadline(
                edition=scoring.edition,
                stage=Stage.CANDIDACY,
                closes_at=LAST_DAY,
                actor=scoring.chair,
            )
    assert not RoundDeadline.objects.exists()

"""The jury's service functions: membership, ties, rubric, rounds, sheets, ballot and decision."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from kommunpris.archive.models import Winner
from kommunpris.archive.services import import_winners
from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.models import Phase
from kommunpris.jury import selectors, services
from kommunpris.jury.invitations import user_for_token
from kommunpris.jury.models import (
    Criterion,
    Decision,
    Membership,
    Role,
    ScoreSheet,
    ScoringRound,
    TieKind,
)
from kommunpris.nominations.models import Stage
from kommunpris.permissions.jury import conflicted_candidacy_ids, is_frozen

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_invite_member_mails_a_one_time_link_that_sets_the_password(
    award, factories, django_capture_on_commit_callbacks
):
    edition = factories.make_edition(award)
    with django_capture_on_commit_callbacks(execute=True):
        seat = services.invite_member(
            edition=edition, email=" Eva.Ek@Example.se ", role=Role.JUROR, actor=CLI
        )
    assert seat.user.username == "eva.ek@example.se"
    assert not seat.user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["eva.ek@example.se"]
    assert message.subject == "Inbjudan till juryn för Sveriges DigitaliseringsKommun 2029"
    link = next(line for line in message.body.splitlines() if "/arbetsyta/jury/inbjudan/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert user_for_token(token) == seat.user

    services.accept_invitation(actor=seat.user, password="rätt-häst-batteri-häftstift")

    seat.refresh_from_db()
    assert seat.accepted_at is not None
    assert seat.user.check_password("rätt-häst-batteri-häftstift")
    assert user_for_token(token) is None  # used once, then dead


def test_invite_member_second_chair_is_refused(award, factories):
    edition = factories.make_edition(award)
    factories.seat(edition, "ordf@example.se", Role.CHAIR)
    with pytest.raises(
        services.JuryError, match=re.escape("har redan en ordförande: ordf@example.se")
    ):
        services.invite_member(edition=edition, email="ny@example.se", role=Role.CHAIR, actor=CLI)
    assert not Membership.objects.filter(user__email="ny@example.se").exists()


def test_invite_member_bad_address_changes_nothing(award, factories):
    edition = factories.make_edition(award)
    with pytest.raises(services.JuryError, match="'inte en adress' är ingen e-postadress"):
        services.invite_member(edition=edition, email="inte en adress", role=Role.JUROR, actor=CLI)
    assert Membership.objects.count() == 0


def test_conflicts_follow_municipality_joint_and_county_wide_ties(jury):
    assert conflicted_candidacy_ids(jury.anna, jury.edition) == frozenset()
    assert conflicted_candidacy_ids(jury.bo, jury.edition) == {jury.joint.pk}
    # County-wide tie to Gävleborg: Ovanåker and Ljusdal; the Västernorrland tie is not county-wide.
    assert conflicted_candidacy_ids(jury.cia, jury.edition) == {jury.ovanaker.pk, jury.ljusdal.pk}


def test_declare_tie_takes_effect_at_once(jury):
    seat = Membership.objects.get(edition=jury.edition, user=jury.anna)
    services.declare_tie(
        seat=seat, kind=TieKind.ELECTED_OFFICE, municipality_code="2584", actor=jury.anna
    )
    assert conflicted_candidacy_ids(jury.anna, jury.edition) == {jury.kiruna.pk}
    assert [c.name for c in selectors.candidacies_for(jury.edition, jury.anna)] == [
        "Ljusdal",
        "Mora, Orsa och Älvdalen",
        "Ovanåker",
        "Timrå",
    ]


def test_declare_tie_unknown_code_names_the_fix(jury):
    seat = Membership.objects.get(edition=jury.edition, user=jury.anna)
    with pytest.raises(
        services.JuryError, match=re.escape("Okänd kommunkod '999'. Kommunkoden har fyra siffror")
    ):
        services.declare_tie(seat=seat, kind=TieKind.HOME, municipality_code="999", actor=seat.user)


def test_start_jury_review_seeds_the_default_rubric(jury):
    names = [(c.name, c.weight, [lv.value for lv in c.levels.all()]) for c in jury.criteria()]
    assert [n for n, _, _ in names] == [
        "Ledarskap och styrning",
        "Kultur, kompetens och förmåga",
        "Nytta för invånare, medarbetare och företag",
        "Samverkan och delning",
        "Innovation och mod",
        "Resultat och hållbarhet",
        "Demokrati och delaktighet",
    ]
    assert all(w == 1 and levels == [0, 1, 2, 3, 4] for _, w, levels in names)
    assert jury.edition.phase == Phase.JURY_REVIEW


def test_rubric_is_editable_until_scoring_opens(jury):
    criterion = jury.criteria()[0]
    services.update_criterion(
        criterion=criterion,
        data=services.CriterionInput(
            name="Ledarskap", weight="2,5", levels=["a", "b", "c", "d", "e"], description="Styrning"
        ),
        actor=jury.organiser,
    )
    services.add_criterion(
        edition=jury.edition,
        data=services.CriterionInput(name="Självskattning", weight=0, levels=list("01234")),
        actor=jury.organiser,
    )
    criterion.refresh_from_db()
    assert (criterion.name, str(criterion.weight)) == ("Ledarskap", "2.5")
    assert Criterion.objects.get(name="Självskattning").is_informational

    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)

    with pytest.raises(services.JuryError, match="kriterierna kan inte längre ändras"):
        services.remove_criterion(criterion=criterion, actor=jury.organiser)
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_only_the_chair_moves_candidacies(jury):
    with pytest.raises(services.JuryError, match="Bara juryns ordförande"):
        services.move_candidacy(candidacy=jury.timra, stage=Stage.NOMINEE, actor=jury.anna)
    services.move_candidacy(candidacy=jury.timra, stage=Stage.NOMINEE, actor=jury.chair)
    jury.timra.refresh_from_db()
    assert jury.timra.stage == Stage.NOMINEE
    event = AuditEvent.objects.filter(action="candidacy.stage_changed").last()
    assert (event.actor, event.before, event.after) == (
        "ordforande@example.se",
        {"stage": "candidacy"},
        {"stage": "nominee"},
    )


def test_score_sheet_draft_then_submit_then_revision_is_audited(jury, full_marks):
    scoring_round = services.open_round(
        edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair
    )
    criteria = jury.criteria()
    partial = {criteria[0].pk: services.EntryInput(3, "Tydlig styrning")}
    sheet = services.save_score_sheet(
        scoring_round=scoring_round, candidacy=jury.timra, actor=jury.anna, entries=partial
    )
    assert not sheet.is_submitted
    with pytest.raises(services.JuryError, match="Sätt poäng på alla kriterier innan du lämnar in"):
        services.save_score_sheet(
            scoring_round=scoring_round,
            candidacy=jury.timra,
            actor=jury.anna,
            entries={},
            submit=True,
        )
    services.save_score_sheet(
        scoring_round=scoring_round,
        candidacy=jury.timra,
        actor=jury.anna,
        entries=full_marks(criteria, 2),
        submit=True,
    )
    services.save_score_sheet(
        scoring_round=scoring_round,
        candidacy=jury.timra,
        actor=jury.anna,
        entries={criteria[1].pk: services.EntryInput(4, "Omprövat efter samtal")},
    )
    sheet = ScoreSheet.objects.get(pk=sheet.pk)
    assert sheet.submitted_at is not None and sheet.revised_at is not None
    values = {e.criterion.name: e.value for e in sheet.entries.select_related("criterion")}
    assert values["Kultur, kompetens och förmåga"] == 4
    assert values["Ledarskap och styrning"] == 2
    actions = list(
        AuditEvent.objects.filter(action__startswith="jury.scores_").values_list(
            "action", flat=True
        )
    )
    assert actions == ["jury.scores_saved", "jury.scores_submitted", "jury.scores_revised"]
    revision = AuditEvent.objects.get(action="jury.scores_revised")
    assert revision.before["scores"]["Kultur, kompetens och förmåga"] == [2, ""]
    assert revision.after["scores"]["Kultur, kompetens och förmåga"] == [4, "Omprövat efter samtal"]


def test_conflicted_juror_cannot_score_and_is_told_it_does_not_exist(jury, full_marks):
    scoring_round = services.open_round(
        edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair
    )
    with pytest.raises(services.NotFound, match=f"Kandidatur {jury.joint.pk} finns inte"):
        services.save_score_sheet(
            scoring_round=scoring_round,
            candidacy=jury.joint,
            actor=jury.bo,
            entries=full_marks(jury.criteria(), 4),
            submit=True,
        )
    assert not ScoreSheet.objects.filter(juror=jury.bo).exists()


def test_scores_of_a_juror_who_later_declares_a_tie_stop_counting(jury, full_marks):
    scoring_round = services.open_round(
        edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair
    )
    criteria = jury.criteria()
    for juror, value in ((jury.anna, 4), (jury.chair, 2)):
        services.save_score_sheet(
            scoring_round=scoring_round,
            candidacy=jury.kiruna,
            actor=juror,
            entries=full_marks(criteria, value),
            submit=True,
        )
    before = {r.candidacy.name: r for r in selectors.round_results(scoring_round, jury.chair).rows}
    assert (before["Kiruna"].score_count, before["Kiruna"].mean_total) == (2, 3.0)

    seat = Membership.objects.get(edition=jury.edition, user=jury.anna)
    services.declare_tie(
        seat=seat, kind=TieKind.EMPLOYER, municipality_code="2584", actor=seat.user
    )

    after = {r.candidacy.name: r for r in selectors.round_results(scoring_round, jury.chair).rows}
    assert (after["Kiruna"].score_count, after["Kiruna"].mean_total) == (1, 2.0)


def _to_deliberation(jury, finalists):
    for scoring_round in ScoringRound.objects.filter(edition=jury.edition, closed_at__isnull=True):
        services.close_round(scoring_round=scoring_round, actor=jury.chair)
    for candidacy in finalists:
        services.move_candidacy(candidacy=candidacy, stage=Stage.FINALIST, actor=jury.chair)
    services.start_deliberation(edition=jury.edition, actor=jury.chair)
    jury.refresh()


def test_ballot_conflicted_juror_abstains_on_the_finalist(jury):
    _to_deliberation(jury, [jury.ovanaker, jury.timra, jury.kiruna])
    o, t, k = jury.ovanaker.pk, jury.timra.pk, jury.kiruna.pk
    services.cast_ballot(edition=jury.edition, actor=jury.chair, ranks={o: 1, t: 2, k: 3})
    services.cast_ballot(edition=jury.edition, actor=jury.anna, ranks={t: 1, o: 2, k: 3})
    # Cia is out of Ovanåker: she ranks only the others, and Ovanåker is not hers to rank.
    with pytest.raises(services.NotFound):
        services.cast_ballot(edition=jury.edition, actor=jury.cia, ranks={o: 1, t: 2, k: 3})
    services.cast_ballot(edition=jury.edition, actor=jury.cia, ranks={k: 1, t: 2})
    count = selectors.ballot_count(jury.edition)
    assert count.result.pairwise[o] == {t: 1, k: 2}
    assert count.result.pairwise[t] == {o: 1, k: 2}
    assert count.result.pairwise[k] == {o: 0, t: 1}
    assert count.order == [[o, t], [k]]
    assert count.is_tied

    with pytest.raises(services.JuryError, match="Ordna exakt de lika placerade finalisterna"):
        services.break_tie(edition=jury.edition, order=[o, k], actor=jury.chair)
    services.break_tie(edition=jury.edition, order=[t, o], actor=jury.chair, note="Lottning")
    count = selectors.ballot_count(jury.edition)
    assert count.order == [[t], [o], [k]]
    assert count.leaders == [t]


def test_record_decision_creates_the_winner_and_freezes(jury, full_marks, factories):
    scoring_round = services.open_round(
        edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair
    )
    _to_deliberation(jury, [jury.ovanaker, jury.timra])
    services.cast_ballot(
        edition=jury.edition, actor=jury.anna, ranks={jury.ovanaker.pk: 1, jury.timra.pk: 2}
    )
    gala = datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM)
    with pytest.raises(services.JuryError, match="Kiruna är inte finalist"):
        services.record_decision(
            edition=jury.edition,
            candidacy=jury.kiruna,
            display_name="Kiruna kommun",
            motivation="x",
            publish_at=gala,
            actor=jury.chair,
        )
    with pytest.raises(services.JuryError, match="'Timrå kommun' är inte ett namn på Ovanåker"):
        services.record_decision(
            edition=jury.edition,
            candidacy=jury.ovanaker,
            display_name="Timrå kommun",
            motivation="x",
            publish_at=gala,
            actor=jury.chair,
        )
    with pytest.raises(services.JuryError, match="Omröstningen placerade Ovanåker först"):
        services.record_decision(
            edition=jury.edition,
            candidacy=jury.timra,
            display_name="Timrå kommun",
            motivation="x",
            publish_at=gala,
            actor=jury.chair,
        )
    assert not Winner.objects.filter(edition=jury.edition).exists()

    winner = services.record_decision(
        edition=jury.edition,
        candidacy=jury.ovanaker,
        display_name="Ovanåkers kommun",
        motivation="Ovanåker visar vägen.\n\nMed mod.",
        publish_at=gala,
        actor=jury.chair,
    )
    jury.refresh()
    assert (winner.codes, winner.display_name, winner.motivation) == (
        ["2121"],
        "Ovanåkers kommun",
        "Ovanåker visar vägen.\n\nMed mod.",
    )
    assert (jury.edition.phase, jury.edition.publish_at) == (Phase.DECIDED, gala)
    assert Decision.objects.get(edition=jury.edition).ballot_order == [
        [jury.ovanaker.pk],
        [jury.timra.pk],
    ]
    assert is_frozen(jury.edition)
    scoring_round.refresh_from_db()
    assert not scoring_round.is_open
    with pytest.raises(services.JuryError, match="låsta"):
        services.cast_ballot(
            edition=jury.edition, actor=jury.anna, ranks={jury.ovanaker.pk: 2, jury.timra.pk: 1}
        )


def test_record_decision_refuses_a_past_publication_time_unless_confirmed(jury):
    _to_deliberation(jury, [jury.timra])
    decide = {
        "edition": jury.edition,
        "candidacy": jury.timra,
        "display_name": "Timrå kommun",
        "motivation": "Motivering",
        "actor": jury.chair,
    }
    with pytest.raises(
        services.JuryError, match=re.escape("utanför 2029–2030. Galan hålls upplagans år")
    ):
        services.record_decision(**decide, publish_at=datetime(2031, 5, 2, 12, 0, tzinfo=STOCKHOLM))
    past = datetime(2030, 5, 2, 12, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(datetime(2030, 5, 3, 9, 0, tzinfo=STOCKHOLM), tick=False):
        with pytest.raises(services.JuryError, match="2 maj 2030 kl. 12:00 har redan passerat"):
            services.record_decision(**decide, publish_at=past)
        assert not Winner.objects.filter(edition=jury.edition).exists()
        services.record_decision(**decide, publish_at=past, publish_at_once=True)
    assert Winner.objects.get(edition=jury.edition).display_name == "Timrå kommun"


def test_start_jury_review_waits_for_the_supplement_deadline(award, factories):
    edition = factories.make_edition(award)
    edition.supplement_close_at = datetime(2029, 5, 15, 23, 59, tzinfo=STOCKHOLM)
    edition.save(update_fields=["supplement_close_at"])  # test set-up of the edition's deadline
    factories.seat(edition, "ordf@example.se", Role.CHAIR)
    factories.make_candidacy(edition, "2121")
    with pytest.raises(
        services.JuryError, match="kan komplettera sina kandidaturer till 15 maj 2029 kl. 23:59"
    ):
        services.start_jury_review(
            edition=edition, actor=CLI, now=datetime(2029, 5, 1, tzinfo=STOCKHOLM)
        )
    edition.refresh_from_db()
    assert edition.phase == Phase.NOMINATIONS_CLOSED
    services.start_jury_review(
        edition=edition, actor=CLI, now=datetime(2029, 5, 16, tzinfo=STOCKHOLM)
    )
    assert edition.phase == Phase.JURY_REVIEW


def test_record_decision_on_a_joint_candidacy_records_every_member(jury):
    _to_deliberation(jury, [jury.joint, jury.timra])
    gala = datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM)
    decide = {
        "edition": jury.edition,
        "candidacy": jury.joint,
        "motivation": "Tre kommuner som delar allt.",
        "publish_at": gala,
        "actor": jury.chair,
    }
    assert services.suggested_display_name(jury.joint) == (
        "Mora kommun, Orsa kommun och Älvdalens kommun"
    )
    with pytest.raises(
        services.JuryError,
        match=re.escape(
            "'Mora kommun' är inte ett namn på Mora (2062), Orsa (2034), Älvdalen (2039). "
            "Nämn varje kommun i den gemensamma kandidaturen, t.ex. "
            "'Mora kommun, Orsa kommun och Älvdalens kommun'."
        ),
    ):
        services.record_decision(**decide, display_name="Mora kommun")
    assert not Winner.objects.filter(edition=jury.edition).exists()

    winner = services.record_decision(
        **decide, display_name="Mora kommun, Orsa kommun och Älvdalens kommun"
    )
    assert (winner.codes, winner.is_joint, [m.name for m in winner.places]) == (
        ["2062", "2034", "2039"],
        True,
        ["Mora", "Orsa", "Älvdalen"],
    )
    event = AuditEvent.objects.get(action="edition.decided")
    assert (event.after["municipalities"], event.after["display_name"]) == (
        ["2062", "2034", "2039"],
        "Mora kommun, Orsa kommun och Älvdalens kommun",
    )


def test_suggested_name_comes_from_a_win_alone_not_from_a_joint_one(jury):
    import_winners(
        data="Sveriges DigitaliseringsKommun 2025 tilldelades Mora kommun och Orsa kommun med "
        "motiveringen:\n“Bra.”\n",
        award=jury.edition.award,
    )
    # Mora and Orsa won together: that name is not how either writes itself alone.
    assert services.suggested_display_name(jury.joint) == (
        "Mora kommun, Orsa kommun och Älvdalens kommun"
    )

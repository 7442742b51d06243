"""The jury's desk as the chair and the jurors use it: each irreversible step asks first and
says what happens, what can be undone can be (a stage move, a tie before scoring), counts mean
what they say, the score sheet sits beside the candidacy's material with the next candidacy to
score, and the round's e-mail counts only what each juror may see."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core import mail

from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Phase
from kommunpris.jury import services
from kommunpris.jury.models import Membership, ScoringRound, Tie, TieKind
from kommunpris.nominations.models import Stage


def text(response) -> str:
    body = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def seat_of(jury, user) -> Membership:
    return Membership.objects.select_related("edition__award", "user").get(
        edition=jury.edition, user=user
    )


def test_a_tie_declared_before_scoring_is_withdrawn_and_the_log_keeps_it(jury):
    anna = seat_of(jury, jury.anna)
    tie = services.declare_tie(
        seat=anna, kind=TieKind.ORGANISATION, organisation="Sambruk", actor=jury.anna
    )
    services.withdraw_tie(edition=jury.edition, tie=tie, actor=jury.anna)
    assert not Tie.objects.filter(pk=tie.pk).exists()
    event = AuditEvent.objects.get(action="jury.tie_withdrawn")
    assert (event.actor, event.before["kind"], event.before["organisation"]) == (
        "anna@example.se",
        "organisation",
        "Sambruk",
    )
    assert event.after is None


def test_a_tie_stays_once_scoring_has_begun_and_is_only_its_members_to_withdraw(jury):
    bo_tie = Tie.objects.get(membership__user=jury.bo)
    with pytest.raises(services.NotFound):
        services.withdraw_tie(edition=jury.edition, tie=bo_tie, actor=jury.anna)
    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    with pytest.raises(services.JuryError) as refused:
        services.withdraw_tie(edition=jury.edition, tie=bo_tie, actor=jury.bo)
    assert str(refused.value) == (
        "Bedömningen av Sveriges DigitaliseringsKommun 2029 har börjat; en anmäld koppling står "
        "kvar i jävsregistret och kan inte tas tillbaka."
    )
    assert Tie.objects.filter(pk=bo_tie.pk).exists()
    assert not AuditEvent.objects.filter(action="jury.tie_withdrawn").exists()


def test_the_ties_page_asks_first_names_what_the_tie_hides_and_offers_to_withdraw(jury, factories):
    anna = factories.signed_in(jury.anna)
    url = f"/arbetsyta/jury/{jury.edition.year}/jav/"
    tie = {"kind": "home", "municipality": "Kiruna", "note": "Bor där"}
    asked = text(anna.post(url, tie))
    assert "Anmäla kopplingen? Det här händer Du ser inte längre Kiruna:" in asked
    assert "Det här går att ändra tillbaka Tills den första bedömningsomgången öppnas" in asked
    assert not Tie.objects.filter(membership__user=jury.anna).exists()
    anna.post(url, {**tie, "confirmed": "yes"})
    [declared] = Tie.objects.filter(membership__user=jury.anna)
    page = anna.get(url).content.decode()
    assert f'name="withdraw" value="{declared.pk}"' in page
    anna.post(url, {"withdraw": str(declared.pk)})
    assert not Tie.objects.filter(membership__user=jury.anna).exists()


def test_a_refused_tie_is_said_once(jury, factories):
    bo = factories.signed_in(jury.bo)
    url = f"/arbetsyta/jury/{jury.edition.year}/jav/"
    refused = bo.post(url, {"kind": "home", "municipality": "2034", "confirmed": "yes"})
    assert refused.status_code == 400
    assert text(refused).count("Den kopplingen är redan anmäld.") == 1


def test_the_round_email_counts_only_what_each_juror_may_see(
    jury, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    counts = {}
    for message in mail.outbox:
        found = re.search(r"(\d+) kandidatur", message.body)
        assert found, message.body
        counts[message.to[0]] = int(found.group(1))
    # Five candidacies; Bo is out of the joint one, Cia out of Ovanåker and Ljusdal.
    assert counts == {
        "ordforande@example.se": 5,
        "anna@example.se": 5,
        "bo@example.se": 4,
        "cia@example.se": 3,
    }


def test_opening_and_closing_a_round_ask_first(jury, factories):
    chair = factories.signed_in(jury.chair)
    url = f"/arbetsyta/jury/{jury.edition.year}/omgang/kandidatur/status/"
    asked = text(chair.post(url, {"action": "open"}))
    assert "Öppna omgången för alla kandidaturer?" in asked
    assert "Juryn kan bedöma 5 kandidaturer som du får se." in asked
    assert "Det här går inte att ångra Omgången kan inte tas bort igen" in asked
    assert not ScoringRound.objects.exists()
    chair.post(url, {"action": "open", "confirmed": "yes"})
    assert ScoringRound.objects.get().is_open
    asked = text(chair.post(url, {"action": "close"}))
    assert "Stänga omgången för alla kandidaturer?" in asked
    assert "Du kan öppna omgången igen tills beslutet är registrerat." in asked
    assert ScoringRound.objects.get().is_open
    chair.post(url, {"action": "close", "confirmed": "yes"})
    assert not ScoringRound.objects.get().is_open


def test_a_stage_move_can_be_undone(jury, factories):
    chair = factories.signed_in(jury.chair)
    year = jury.edition.year
    chair.post(f"/arbetsyta/jury/{year}/kandidaturer/{jury.kiruna.pk}/steg/", {"stage": "nominee"})
    page = text(chair.get(f"/arbetsyta/jury/{year}/kandidaturer/"))
    assert "Flyttad av misstag? Flytta tillbaka Kiruna till: kandidatur. Ångra flytten" in page
    chair.post(
        f"/arbetsyta/jury/{year}/kandidaturer/{jury.kiruna.pk}/steg/",
        {"stage": "candidacy", "undo": "yes"},
    )
    jury.kiruna.refresh_from_db()
    assert jury.kiruna.stage == Stage.CANDIDACY
    assert "Ångra flytten" not in text(chair.get(f"/arbetsyta/jury/{year}/kandidaturer/"))
    moves = AuditEvent.objects.filter(action="candidacy.stage_changed").order_by("id")
    assert [(e.before, e.after) for e in moves] == [
        ({"stage": "candidacy"}, {"stage": "nominee"}),
        ({"stage": "nominee"}, {"stage": "candidacy"}),
    ]


def test_the_funnel_counts_every_stage_a_candidacy_has_reached(jury, factories):
    for candidacy in (jury.ovanaker, jury.timra):
        services.move_candidacy(candidacy=candidacy, stage=Stage.NOMINEE, actor=jury.chair)
    services.move_candidacy(candidacy=jury.ovanaker, stage=Stage.FINALIST, actor=jury.chair)
    page = text(factories.signed_in(jury.organiser).get(f"/arbetsyta/jury/{jury.edition.year}/"))
    assert (
        "Steg Har nått steget Är där nu Bedömningsomgång Kandidaturer 5 3 inte öppnad "
        "Nominerade 2 1 inte öppnad Finalister 1 1 inte öppnad"
    ) in page


def test_the_deliberation_is_offered_only_when_it_can_start(jury, factories):
    chair = factories.signed_in(jury.chair)
    url = f"/arbetsyta/jury/{jury.edition.year}/"
    page = text(chair.get(url))
    assert "Inte än: Välj finalisterna innan överläggningen börjar." in page
    assert "Inled överläggningen …" not in page
    services.move_candidacy(candidacy=jury.timra, stage=Stage.FINALIST, actor=jury.chair)
    page = text(chair.get(url))
    assert "Finalisterna är valda och de tidigare omgångarna är stängda." in page
    asked = text(chair.post(f"{url}fas/", {"action": "start_deliberation"}))
    assert "Inleda överläggningen om Sveriges DigitaliseringsKommun 2029?" in asked
    assert "Finalisterna är bestämda: Timrå." in asked
    jury.edition.refresh_from_db()
    assert jury.edition.phase == Phase.JURY_REVIEW


def test_the_sheet_shows_the_material_and_leads_to_the_next_candidacy(jury, factories, full_marks):
    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    anna = factories.signed_in(jury.anna)
    year = jury.edition.year
    sheet = f"/arbetsyta/jury/{year}/omgang/kandidatur/{jury.kiruna.pk}/"
    page = text(anna.get(sheet))
    assert "Kandidaturens underlag" in page and "Din bedömning" in page
    assert "Med kommunens egna ord" in page
    assert "Nästa kandidatur att bedöma: Ljusdal →" in page
    data = {f"value_{c.pk}": "3" for c in jury.criteria()} | {"action": "submit", "comment": ""}
    saved = text(anna.post(sheet, data, follow=True))
    assert "Dina poäng är inlämnade." in saved
    assert "Nästa kandidatur att bedöma: Ljusdal →" in saved
    for candidacy in (jury.ljusdal, jury.joint, jury.ovanaker):
        services.save_score_sheet(
            scoring_round=jury.round(Stage.CANDIDACY),
            candidacy=candidacy,
            actor=jury.anna,
            entries=full_marks(jury.criteria(), 2),
            submit=True,
        )
    assert "Nästa kandidatur att bedöma: Timrå →" in text(anna.get(sheet))


def test_the_decision_asks_first_and_its_refusal_is_said_once(jury, factories):
    for candidacy in (jury.timra, jury.kiruna):
        services.move_candidacy(candidacy=candidacy, stage=Stage.FINALIST, actor=jury.chair)
    services.start_deliberation(edition=jury.edition, actor=jury.chair)
    chair = factories.signed_in(jury.chair)
    url = f"/arbetsyta/jury/{jury.edition.year}/beslut/"
    decision = {
        "action": "decide",
        "candidacy": str(jury.timra.pk),
        "display_name": "Timrå kommun",
        "motivation": "Timrå visar vägen.",
        "publish_at": f"{jury.edition.year}-11-14T18:00",
    }
    asked = text(chair.post(url, decision))
    assert "Registrera Timrå kommun som vinnare av Sveriges DigitaliseringsKommun 2029?" in asked
    assert "Beslutet är hemligt till 14 november 2029 kl. 18:00" in asked
    assert "Det här går inte att ångra" in asked
    jury.edition.refresh_from_db()
    assert jury.edition.phase == Phase.DELIBERATION
    # "No, go back and change it" brings what was typed back into the form.
    back = chair.post(url, {**decision, "confirmed": "yes", "revise": "yes"})
    assert back.status_code == 200
    assert ">\nTimrå visar vägen.</textarea>" in back.content.decode()
    jury.edition.refresh_from_db()
    assert jury.edition.phase == Phase.DELIBERATION
    wrong = text(chair.post(url, {**decision, "display_name": "Kiruna kommun"}))
    assert wrong.count("'Kiruna kommun' är inte ett namn på Timrå (2262).") == 1
    chair.post(url, {**decision, "confirmed": "yes"})
    jury.edition.refresh_from_db()
    assert jury.edition.phase == Phase.DECIDED


def test_a_duplicate_invitation_is_said_once(jury, factories):
    organiser = factories.signed_in(jury.organiser)
    refused = organiser.post(
        f"/arbetsyta/jury/{jury.edition.year}/ledamoter/",
        {"email": "anna@example.se", "name": "", "role": "juror", "language": "sv"},
    )
    assert refused.status_code == 400
    assert text(refused).count("anna@example.se sitter redan i juryn") == 1


def test_the_start_page_says_what_is_due_for_each_role(jury, factories):
    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    anna = text(factories.signed_in(jury.anna).get("/arbetsyta/"))
    assert (
        "I juryn Sveriges DigitaliseringsKommun 2029 (ledamot, juryns granskning) "
        "Nästa steg: Bedöm kandidaturerna i omgången för alla kandidaturer "
        "Du har lämnat in 0 av 5 bedömningar."
    ) in anna
    chair = text(factories.signed_in(jury.chair).get("/arbetsyta/"))
    assert "Pågår: Juryn bedömer i omgången för alla kandidaturer 17 bedömningar återstår." in chair
    organiser = text(factories.signed_in(jury.organiser).get("/arbetsyta/"))
    assert "Som arrangör" in organiser
    assert "Inloggad som organisator@kvalitetsmassan.se (arrangör)" in organiser

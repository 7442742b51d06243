"""Two tabs or sessions of one juror on one score sheet: a save never silently overwrites a
change the person had not seen (optimistic concurrency on the sheet's version)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from kommunpris.audit.models import AuditEvent
from kommunpris.jury import services
from kommunpris.jury.models import ScoreSheet
from kommunpris.nominations.models import Stage

CHANGED = (
    "Bedömningen har ändrats i en annan flik eller session sedan du öppnade den. "
    "Dina ändringar sparades inte. Ladda om sidan för att utgå från det som nu är sparat "
    "(det visas nedan), eller spara igen om dina värden ska ersätta det."
)


def _text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _version(response) -> str:
    found = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert found, "the sheet form carries no version"
    return found.group(1)


def _checked(response, criterion_pk: int) -> str | None:
    """The score the form shows as chosen for a criterion."""
    found = re.search(
        rf'<input type="radio" name="value_{criterion_pk}" value="(\d)"[^>]*checked',
        response.content.decode(),
    )
    return found.group(1) if found else None


def _form(criteria, value: int, comment: str, version: str, action: str = "draft") -> dict:
    return (
        {f"value_{c.pk}": str(value) for c in criteria}
        | {f"comment_{c.pk}": f"{comment} om {c.name}" for c in criteria}
        | {"comment": comment, "version": version, "action": action}
    )


def _stored(juror, candidacy) -> tuple[str, int, list[int | None]]:
    sheet = ScoreSheet.objects.get(juror=juror, candidacy=candidacy)
    return sheet.comment, sheet.version, [e.value for e in sheet.entries.all()]


@pytest.fixture
def round_open(jury):
    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    return jury


def test_score_sheet_second_tab_is_refused_and_shown_what_is_saved(round_open, factories):
    jury = round_open
    criteria = jury.criteria()
    url = f"/arbetsyta/jury/{jury.edition.year}/omgang/kandidatur/{jury.timra.pk}/"
    first_tab, second_tab = factories.signed_in(jury.anna), factories.signed_in(jury.anna)
    opened_first, opened_second = first_tab.get(url), second_tab.get(url)
    assert _version(opened_first) == _version(opened_second) == "0"

    saved = first_tab.post(url, _form(criteria, 3, "Första fliken", "0"))
    assert saved.status_code == 302
    refused = second_tab.post(url, _form(criteria, 1, "Andra fliken", "0"))

    assert refused.status_code == 409
    page = _text(refused)
    assert CHANGED in page
    assert "Det som nu är sparat" in page
    assert "i en annan flik eller session. Dina egna värden finns kvar i formuläret nedan" in page
    assert "Första fliken om Ledarskap och styrning" in page  # the newer values, shown
    assert "Ladda om bedömningen med det som nu är sparat" in page
    # The person's own input is still in the form, unsaved; the form now carries the version
    # they have been shown.
    assert _checked(refused, criteria[0].pk) == "1"
    assert re.search(r'name="comment"[^>]*>\s*Andra fliken</textarea>', refused.content.decode())
    assert _version(refused) == "1"
    assert _stored(jury.anna, jury.timra) == ("Första fliken", 1, [3] * len(criteria))
    assert list(
        AuditEvent.objects.filter(action__startswith="jury.scores_").values_list(
            "action", "after__comment"
        )
    ) == [("jury.scores_saved", "Första fliken")]

    # Having seen what is saved, the person may choose to replace it with their own values.
    replaced = second_tab.post(url, _form(criteria, 1, "Andra fliken", _version(refused)))
    assert replaced.status_code == 302
    assert _stored(jury.anna, jury.timra) == ("Andra fliken", 2, [1] * len(criteria))
    # The first tab is now the stale one.
    stale = first_tab.post(url, _form(criteria, 4, "Första fliken igen", "1"))
    assert stale.status_code == 409
    assert _stored(jury.anna, jury.timra) == ("Andra fliken", 2, [1] * len(criteria))


def test_score_sheet_revision_of_a_submitted_sheet_is_checked_too(round_open, factories):
    jury = round_open
    criteria = jury.criteria()
    url = f"/arbetsyta/jury/{jury.edition.year}/omgang/kandidatur/{jury.kiruna.pk}/"
    laptop, phone = factories.signed_in(jury.anna), factories.signed_in(jury.anna)
    assert laptop.post(url, _form(criteria, 2, "Inlämnat", "0", "submit")).status_code == 302
    opened = _version(laptop.get(url))
    assert opened == _version(phone.get(url)) == "1"

    assert (
        phone.post(url, _form(criteria, 4, "Ändrat i telefonen", opened, "submit")).status_code
        == 302
    )
    refused = laptop.post(url, _form(criteria, 0, "Ändrat i datorn", opened, "submit"))

    assert refused.status_code == 409
    assert CHANGED in _text(refused)
    assert "Ändrat i telefonen om Innovation och mod" in _text(refused)
    assert _stored(jury.anna, jury.kiruna) == ("Ändrat i telefonen", 2, [4] * len(criteria))
    assert AuditEvent.objects.filter(action="jury.scores_revised").count() == 1


def test_score_sheet_sent_twice_with_the_same_content_is_saved_once(round_open, factories):
    """A double click sends the same form twice: the second is no conflict and no new change."""
    jury = round_open
    criteria = jury.criteria()
    url = f"/arbetsyta/jury/{jury.edition.year}/omgang/kandidatur/{jury.timra.pk}/"
    client = factories.signed_in(jury.anna)
    data = _form(criteria, 2, "Samma sak", "0")
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 302
    assert "Ditt utkast är sparat." in _text(client.get(url))
    assert _stored(jury.anna, jury.timra) == ("Samma sak", 1, [2] * len(criteria))
    assert AuditEvent.objects.filter(action__startswith="jury.scores_").count() == 1


def test_score_sheet_form_shown_again_with_an_error_keeps_the_version_it_was_opened_at(
    round_open, factories
):
    jury = round_open
    criteria = jury.criteria()
    url = f"/arbetsyta/jury/{jury.edition.year}/omgang/kandidatur/{jury.timra.pk}/"
    slow, quick = factories.signed_in(jury.anna), factories.signed_in(jury.anna)
    incomplete = _form(criteria, 3, "Halvfärdig", "0", "submit")
    del incomplete[f"value_{criteria[0].pk}"]
    shown_again = slow.post(url, incomplete)
    assert shown_again.status_code == 400
    assert "Sätt poäng på alla kriterier innan du lämnar in: Ledarskap och styrning." in _text(
        shown_again
    )
    assert _version(shown_again) == "0"

    assert quick.post(url, _form(criteria, 2, "Snabbare", "0")).status_code == 302
    corrected = slow.post(url, _form(criteria, 3, "Halvfärdig", _version(shown_again), "submit"))
    assert corrected.status_code == 409
    assert _stored(jury.anna, jury.timra) == ("Snabbare", 1, [2] * len(criteria))


def test_save_score_sheet_with_an_old_version_writes_nothing(round_open, full_marks):
    jury = round_open
    criteria = jury.criteria()
    scoring_round = jury.round(Stage.CANDIDACY)
    first = services.save_score_sheet(
        scoring_round=scoring_round,
        candidacy=jury.ljusdal,
        actor=jury.chair,
        entries=full_marks(criteria, 3),
        comment="Ett",
        expected_version=0,
    )
    assert first.version == 1
    events = AuditEvent.objects.count()
    with pytest.raises(services.ScoreSheetChanged, match="ändrats i en annan flik eller session"):
        services.save_score_sheet(
            scoring_round=scoring_round,
            candidacy=jury.ljusdal,
            actor=jury.chair,
            entries=full_marks(criteria, 1),
            comment="Två",
            submit=True,
            expected_version=0,
        )
    assert AuditEvent.objects.count() == events
    assert _stored(jury.chair, jury.ljusdal) == ("Ett", 1, [3] * len(criteria))
    assert ScoreSheet.objects.get(pk=first.pk).submitted_at is None
    # Without a version (a caller that does not ask) the save goes through as before.
    services.save_score_sheet(
        scoring_round=scoring_round,
        candidacy=jury.ljusdal,
        actor=jury.chair,
        entries=full_marks(criteria, 1),
        comment="Två",
    )
    assert _stored(jury.chair, jury.ljusdal) == ("Två", 2, [1] * len(criteria))

"""Conflict and blindness rules through HTTP, as each role: juror, conflicted juror, chair,
organiser and anonymous visitor."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import mail
from django.test import Client

from kommunpris.jury import services
from kommunpris.jury.models import Membership, Role
from kommunpris.nominations.models import Stage

CHAIR_NOTE = "Ordförandens anteckning om {name}"
ANNA_NOTE = "Annas anteckning om {name}"


def _text(response) -> str:
    """The page as a person reads it: tags gone, entities decoded, spaces folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _submit(jury, juror, candidacy, value, note):
    services.save_score_sheet(
        scoring_round=jury.round(Stage.CANDIDACY),
        candidacy=candidacy,
        actor=juror,
        entries={c.pk: services.EntryInput(value, note) for c in jury.criteria()},
        comment=note,
        submit=True,
    )


@pytest.fixture
def scored(jury):
    """The candidacy round open; the chair has scored every candidacy but Kiruna, Anna Kiruna."""
    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    for candidacy, value in (
        (jury.ovanaker, 4),
        (jury.joint, 3),
        (jury.timra, 2),
        (jury.ljusdal, 1),
    ):
        _submit(jury, jury.chair, candidacy, value, CHAIR_NOTE.format(name=candidacy.name))
    _submit(jury, jury.anna, jury.kiruna, 3, ANNA_NOTE.format(name="Kiruna"))
    return jury


def _urls(jury) -> dict[str, str]:
    y, joint = jury.edition.year, jury.joint.pk
    return {
        "home": "/arbetsyta/jury/",
        "edition": f"/arbetsyta/jury/{y}/",
        "members": f"/arbetsyta/jury/{y}/ledamoter/",
        "ties": f"/arbetsyta/jury/{y}/jav/",
        "recusals": f"/arbetsyta/jury/{y}/jav/register/",
        "rubric": f"/arbetsyta/jury/{y}/kriterier/",
        "candidacies": f"/arbetsyta/jury/{y}/kandidaturer/",
        "candidacy": f"/arbetsyta/jury/{y}/kandidaturer/{joint}/",
        "round": f"/arbetsyta/jury/{y}/omgang/kandidatur/",
        "sheet": f"/arbetsyta/jury/{y}/omgang/kandidatur/{joint}/",
        "results": f"/arbetsyta/jury/{y}/omgang/kandidatur/resultat/",
        "csv": f"/arbetsyta/jury/{y}/omgang/kandidatur/resultat.csv",
        "ballot": f"/arbetsyta/jury/{y}/omrostning/",
        "count": f"/arbetsyta/jury/{y}/omrostning/resultat/",
        "decision": f"/arbetsyta/jury/{y}/beslut/",
    }


def test_jury_pages_anonymous_visitor_is_sent_to_sign_in(scored):
    client = Client()
    for url in _urls(scored).values():
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/logga-in/?next={url}"), url
    response = client.post(f"/arbetsyta/jury/{scored.edition.year}/omgang/kandidatur/status/")
    assert response.status_code == 302 and response["Location"].startswith("/logga-in/")


def test_jury_pages_organiser_runs_the_setup_but_sees_no_scores(scored, factories):
    client = factories.signed_in(scored.organiser)
    urls = _urls(scored)
    seen = {name: client.get(url) for name, url in urls.items()}
    assert {name: r.status_code for name, r in seen.items()} == {
        "home": 200,
        "edition": 200,
        "members": 200,
        "ties": 404,
        "recusals": 200,
        "rubric": 200,
        "candidacies": 404,
        "candidacy": 404,
        "round": 404,
        "sheet": 404,
        "results": 404,
        "csv": 404,
        "ballot": 404,
        "count": 404,
        "decision": 404,
    }
    assert "Du är Arrangör (du ser inga poäng)" in _text(seen["edition"])
    assert "Bjud in en ledamot" in _text(seen["members"])
    for response in seen.values():
        assert "anteckning om" not in _text(response)


def test_candidacy_list_hides_what_the_juror_is_conflicted_out_of(scored, factories):
    def names(user):
        page = _text(factories.signed_in(user).get(_urls(scored)["candidacies"]))
        return [c.name for c in scored.candidacies if c.name in page]

    everyone = ["Ovanåker", "Mora, Orsa och Älvdalen", "Timrå", "Kiruna", "Ljusdal"]
    assert names(scored.anna) == everyone
    assert names(scored.chair) == everyone
    assert names(scored.bo) == ["Ovanåker", "Timrå", "Kiruna", "Ljusdal"]
    assert names(scored.cia) == ["Mora, Orsa och Älvdalen", "Timrå", "Kiruna"]


def test_conflicted_juror_gets_404_as_for_a_candidacy_that_does_not_exist(scored, factories):
    client = factories.signed_in(scored.bo)
    y, joint, missing = scored.edition.year, scored.joint.pk, 999999
    for pattern in (
        "/arbetsyta/jury/{y}/kandidaturer/{pk}/",
        "/arbetsyta/jury/{y}/omgang/kandidatur/{pk}/",
    ):
        conflicted = client.get(pattern.format(y=y, pk=joint))
        absent = client.get(pattern.format(y=y, pk=missing))
        assert conflicted.status_code == absent.status_code == 404
        assert _text(conflicted).replace(str(joint), "N") == _text(absent).replace(
            str(missing), "N"
        )
        assert "Mora" not in _text(conflicted)
    for pattern in (
        "/arbetsyta/jury/{y}/kandidaturer/{pk}/steg/",
        "/arbetsyta/jury/{y}/kandidaturer/{pk}/platsbesok/",
        "/arbetsyta/jury/{y}/omgang/kandidatur/{pk}/",
    ):
        response = client.post(pattern.format(y=y, pk=joint), {"stage": "finalist", "body": "x"})
        assert response.status_code == 404
    scored.joint.refresh_from_db()
    assert scored.joint.stage == Stage.CANDIDACY


def _crawl(client: Client, start: str) -> dict[str, str]:
    """Every jury page reachable by links from `start`, as text."""
    pages: dict[str, str] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        response = client.get(url)
        body = response.content.decode() if response.status_code == 200 else ""
        pages[url] = body
        for href in re.findall(r'href="([^"#]+)"', body):
            target = urlsplit(urljoin(url, unescape(href))).path
            if target.startswith("/arbetsyta/jury/") and target not in pages:
                queue.append(target)
    return pages


def test_conflicted_juror_never_sees_the_candidacy_anywhere(scored, factories):
    pages = _crawl(factories.signed_in(scored.bo), "/arbetsyta/jury/")
    assert len(pages) >= 10
    for url, body in pages.items():
        assert "Mora, Orsa och Älvdalen" not in body, url
        assert f"/{scored.joint.pk}/" not in url
        assert CHAIR_NOTE.format(name="Mora, Orsa och Älvdalen") not in body, url


def test_blind_scoring_juror_sees_others_only_after_submitting(scored, factories):
    client = factories.signed_in(scored.anna)
    url = f"/arbetsyta/jury/{scored.edition.year}/omgang/kandidatur/{scored.timra.pk}/"
    before = _text(client.get(url))
    assert "Du ser de andra ledamöternas poäng när du har lämnat in dina egna." in before
    assert CHAIR_NOTE.format(name="Timrå") not in before

    data = {f"value_{c.pk}": "3" for c in scored.criteria()} | {"action": "draft"}
    response = client.post(url, data)
    assert response.status_code == 302
    draft = _text(client.get(url))
    assert "Ditt utkast är sparat; ingen annan ser det." in draft
    assert CHAIR_NOTE.format(name="Timrå") not in draft

    response = client.post(url, data | {"action": "submit", "comment": "Stark styrning"})
    assert response.status_code == 302
    after = _text(client.get(url))
    assert "Dina poäng är inlämnade." in after
    assert "ordforande@example.se" in after
    assert CHAIR_NOTE.format(name="Timrå") in after


def test_blind_scoring_submit_with_a_criterion_missing_changes_nothing(scored, factories):
    client = factories.signed_in(scored.anna)
    url = f"/arbetsyta/jury/{scored.edition.year}/omgang/kandidatur/{scored.timra.pk}/"
    criteria = scored.criteria()
    data = {f"value_{c.pk}": "3" for c in criteria[1:]} | {"action": "submit"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Sätt poäng på alla kriterier innan du lämnar in: Ledarskap och styrning." in _text(
        response
    )
    assert not scored.anna.score_sheets.filter(candidacy=scored.timra).exists()


def test_chair_sees_every_submitted_sheet_without_submitting(scored, factories):
    page = _text(
        factories.signed_in(scored.chair).get(
            f"/arbetsyta/jury/{scored.edition.year}/omgang/kandidatur/{scored.kiruna.pk}/"
        )
    )
    assert "Du har inte bedömt den här kandidaturen ännu." in page
    assert ANNA_NOTE.format(name="Kiruna") in page


def test_declared_tie_takes_effect_at_once_and_hides_the_jurors_scores(scored, factories):
    anna = factories.signed_in(scored.anna)
    y = scored.edition.year
    kiruna_sheet = f"/arbetsyta/jury/{y}/omgang/kandidatur/{scored.kiruna.pk}/"
    assert anna.get(kiruna_sheet).status_code == 200

    tie = {"kind": "employer", "municipality": "Kiruna kommun", "note": "Konsult åt kommunen"}
    asked = _text(anna.post(f"/arbetsyta/jury/{y}/jav/", tie))
    # Scoring has begun: the page says what the tie hides and that it stays on the record.
    assert "Anmäla kopplingen? Det här händer Du ser inte längre Kiruna:" in asked
    assert "Det här går inte att ångra Bedömningen har börjat: kopplingen står kvar" in asked
    assert anna.get(kiruna_sheet).status_code == 200
    response = anna.post(f"/arbetsyta/jury/{y}/jav/", {**tie, "confirmed": "yes"})
    assert response.status_code == 302

    assert anna.get(kiruna_sheet).status_code == 404
    assert "Kiruna" not in _text(anna.get(f"/arbetsyta/jury/{y}/kandidaturer/"))
    chair = factories.signed_in(scored.chair)
    assert ANNA_NOTE.format(name="Kiruna") not in _text(chair.get(kiruna_sheet))
    recusals = _text(chair.get(f"/arbetsyta/jury/{y}/jav/register/"))
    assert "anna@example.se Kiruna Arbetar för kommunen: Kiruna (2584) – Konsult åt kommunen" in (
        recusals
    )


def test_recusal_record_shows_who_stood_aside_from_what_and_why(scored, factories):
    page = _text(
        factories.signed_in(scored.chair).get(
            f"/arbetsyta/jury/{scored.edition.year}/jav/register/"
        )
    )
    assert "bo@example.se Mora, Orsa och Älvdalen Bor i kommunen: Orsa (2034) – Bor i Orsa" in page
    assert (
        "cia@example.se Ljusdal Koppling till länet: Gävleborgs län (21) – "
        "Anställd av Region Gävleborg" in page
    )
    assert "cia@example.se Ovanåker Koppling till länet: Gävleborgs län (21)" in page
    # The Västernorrland tie is on the record but conflicts nobody out of Timrå.
    assert "Koppling till länet: Västernorrlands län (22) – Sommarstuga i Västernorrland" in page
    assert "cia@example.se Timrå" not in page
    assert (
        factories.signed_in(scored.anna)
        .get(f"/arbetsyta/jury/{scored.edition.year}/jav/register/")
        .status_code
        == 404
    )


def test_results_table_is_the_chairs_with_a_swedish_csv(scored, factories):
    y = scored.edition.year
    assert (
        factories.signed_in(scored.anna)
        .get(f"/arbetsyta/jury/{y}/omgang/kandidatur/resultat/")
        .status_code
        == 404
    )
    chair = factories.signed_in(scored.chair)
    page = _text(chair.get(f"/arbetsyta/jury/{y}/omgang/kandidatur/resultat/"))
    assert "1 Ovanåker Kandidatur 4,00 1,34 0,00 1" in page
    assert "2 Mora, Orsa och Älvdalen Kandidatur 3,00 0,45 0,00 1" in page
    response = chair.get(f"/arbetsyta/jury/{y}/omgang/kandidatur/resultat.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith(
        "Placering;Kandidatur;Kommunkoder;Medelpoäng (0–4);Medel-z-poäng;Spridning;"
        "Antal bedömningar;Oenighet;Ledarskap och styrning;"
    )
    assert lines[1] == "1;Ovanåker;2121;4,00;1,34;0,00;1;nej;" + ";".join(["4,00"] * 7)
    assert lines[2].startswith("2;Mora, Orsa och Älvdalen;2062 2034 2039;3,00;0,45;")


def test_juror_sees_only_the_editions_they_serve_on(scored, factories, award):
    other = factories.make_edition(award, year=2031)
    factories.seat(other, "annan@example.se", Role.CHAIR)
    anna = factories.signed_in(scored.anna)
    assert anna.get("/arbetsyta/jury/2031/").status_code == 404
    home = _text(anna.get("/arbetsyta/jury/"))
    assert "Sveriges DigitaliseringsKommun 2029 – ledamot" in home
    assert "2031" not in home


def test_ballot_conflicted_juror_ranks_only_the_finalists_they_may_see(scored, factories):
    services.close_round(scoring_round=scored.round(Stage.CANDIDACY), actor=scored.chair)
    for candidacy in (scored.ovanaker, scored.timra, scored.kiruna):
        services.move_candidacy(candidacy=candidacy, stage=Stage.FINALIST, actor=scored.chair)
    services.start_deliberation(edition=scored.edition, actor=scored.chair)
    cia = factories.signed_in(scored.cia)
    url = f"/arbetsyta/jury/{scored.edition.year}/omrostning/"
    page = _text(cia.get(url))
    assert "Timrå" in page and "Kiruna" in page and "Ovanåker" not in page
    response = cia.post(url, {f"rank_{scored.timra.pk}": "1", f"rank_{scored.kiruna.pk}": "2"})
    assert response.status_code == 302
    assert "1. Timrå 2. Kiruna" in _text(cia.get(url))
    count = _text(factories.signed_in(scored.chair).get(f"{url}resultat/"))
    assert "1 av 4 ledamöter har röstat." in count


def test_invitation_link_sets_the_password_and_signs_in(
    award, factories, django_capture_on_commit_callbacks, sign_in_verified
):
    edition = factories.make_edition(award)
    organiser = factories.signed_in(factories.make_organiser())
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser.post(
            f"/arbetsyta/jury/{edition.year}/ledamoter/",
            {"email": "dan@example.se", "name": "Dan Ek", "role": "juror", "language": "sv"},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"http://[^\s]+/arbetsyta/jury/inbjudan/[^\s]+/", message.body).group(0)
    path = urlsplit(link).path
    visitor = Client()
    assert "Välj ditt lösenord" in _text(visitor.get(path))
    response = visitor.post(
        path, {"new_password1": "ett-långt-lösenord-42", "new_password2": "ett-långt-lösenord-42"}
    )
    assert (response.status_code, response["Location"]) == (302, "/arbetsyta/jury/")
    # The jury's pages open once two-factor sign-in is set up (tests/accounts walks that page).
    response = visitor.get("/arbetsyta/jury/")
    assert (
        response["Location"] == "/arbetsyta/konto/tvastegsverifiering/?next=%2Farbetsyta%2Fjury%2F"
    )
    sign_in_verified(visitor, Membership.objects.get(user__email="dan@example.se").user)
    assert "Sveriges DigitaliseringsKommun 2029 – ledamot" in _text(visitor.get("/arbetsyta/jury/"))
    assert Membership.objects.get(user__email="dan@example.se").accepted_at is not None
    assert Client().get(path).status_code == 400  # used once


def test_rubric_organiser_edits_until_scoring_opens(jury, factories):
    organiser = factories.signed_in(jury.organiser)
    criterion = jury.criteria()[0]
    url = f"/arbetsyta/jury/{jury.edition.year}/kriterier/{criterion.pk}/"
    data = {
        "name": "Ledarskap",
        "name_en": "Leadership",
        "description": "Styrningen",
        "weight": "2",
        **{f"level_{v}": f"Nivå {v}" for v in range(5)},
    }
    assert organiser.post(url, data).status_code == 302
    rubric = _text(organiser.get(f"/arbetsyta/jury/{jury.edition.year}/kriterier/"))
    assert "Ledarskap (Leadership) Vikt 2 (25 % av summan). Styrningen 0 Nivå 0" in rubric
    assert factories.signed_in(jury.anna).get(url).status_code == 404

    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    assert organiser.get(url).status_code == 404
    assert "Bedömningen har börjat, så mallen kan inte längre ändras." in _text(
        organiser.get(f"/arbetsyta/jury/{jury.edition.year}/kriterier/")
    )


def test_jury_list_pages_query_count_does_not_grow_with_candidacies(scored, factories):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chair = factories.signed_in(scored.chair)
    urls = _urls(scored)
    pages = ("candidacies", "round", "results", "recusals", "edition", "home")

    def counts() -> dict[str, int]:
        found = {}
        for name in pages:
            with CaptureQueriesContext(connection) as queries:
                assert chair.get(urls[name]).status_code == 200
            found[name] = len(queries.captured_queries)
        return found

    few = counts()
    for code in ("2180", "2182", "2183", "2184", "2260", "2280", "2281", "2282"):
        candidacy = factories.make_candidacy(scored.edition, code)
        _submit(scored, scored.anna, candidacy, 2, "Fler")
    many = counts()
    assert many == few
    # Every desk page reads the person's seats once for its header; the overview also works
    # out what is due next (the round's progress, whether the deliberation may start).
    overview = many.pop("edition")
    assert max(many.values()) <= 26
    assert overview <= 42


def test_round_page_chair_sees_each_members_progress(scored, factories):
    url = f"/arbetsyta/jury/{scored.edition.year}/omgang/kandidatur/"
    page = _text(factories.signed_in(scored.chair).get(url))
    assert (
        "Juryns framsteg Ledamot Inlämnade Utkast Kvar att göra "
        "ordforande@example.se 4 0 1 anna@example.se 1 0 4 bo@example.se 0 0 4 "
        "cia@example.se 0 0 3"
    ) in page
    assert "Juryns framsteg" not in _text(factories.signed_in(scored.anna).get(url))


def test_candidacy_material_and_attachments_only_for_those_who_may_see_it(
    scored, factories, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from kommunpris.nominations import storage
    from kommunpris.nominations.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n%%EOF\n"
    stored = storage.save(ContentFile(pdf, name="x.pdf"), year=2029)
    attachment = Attachment.objects.create(
        candidacy=scored.joint,
        stored_name=stored,
        original_name="Digital agenda Mora Orsa Älvdalen.pdf",
        size=len(pdf),
        sha256="0" * 64,
        uploaded_at=timezone.now(),
        uploaded_by="kontakt@mora.se",
    )
    y, joint = scored.edition.year, scored.joint.pk
    page = _text(factories.signed_in(scored.anna).get(f"/arbetsyta/jury/{y}/kandidaturer/{joint}/"))
    assert "Digital agenda Mora Orsa Älvdalen.pdf (PDF, 15 byte)" in page
    url = f"/arbetsyta/jury/{y}/kandidaturer/{joint}/bilagor/{attachment.pk}/"
    response = factories.signed_in(scored.anna).get(url)
    assert (response.status_code, b"".join(response.streaming_content)) == (200, pdf)
    assert "no-store" in response["Cache-Control"].split(", ")
    assert factories.signed_in(scored.bo).get(url).status_code == 404
    assert factories.signed_in(scored.organiser).get(url).status_code == 404
    other = f"/arbetsyta/jury/{y}/kandidaturer/{scored.timra.pk}/bilagor/{attachment.pk}/"
    assert factories.signed_in(scored.anna).get(other).status_code == 404

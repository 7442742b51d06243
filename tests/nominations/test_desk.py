"""The organiser's view of the field: candidacies with counts, every nomination's text, filters,
CSV exports, joint candidacies and spam; and the selectors the jury reads through."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from kommunpris.archive.selectors import public_editions
from kommunpris.audit.models import AuditEvent
from kommunpris.nominations.models import Nomination, NominationStatus, Response
from kommunpris.nominations.selectors import candidacies, contribution_of
from kommunpris.nominations.services import CandidacyError, join_candidacies

DESK = "/arbetsyta/nomineringar/2027/"


@pytest.fixture
def field(edition, nominate, confirm, link_in):
    """Confirmed nominations: Sundsvall twice, Mora, Orsa, Älvdalen once; one left unconfirmed."""

    def nominated(**changes: str) -> None:
        nominate(**changes)
        confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))

    nominated(municipality="Sundsvall")
    nominated(
        municipality="Sundsvall", nominator_email="bertil@example.se", nominator_name="Bertil"
    )
    for name, address in (("Mora", "mora"), ("Orsa", "orsa"), ("Älvdalen", "alvdalen")):
        nominated(municipality=name, nominator_email=f"{address}@example.se", ip="192.0.2.9")
    nominate(municipality="Lidingö", nominator_email="later@example.se", ip="192.0.2.8")
    return edition


def test_field_shows_candidacies_with_their_counts(organiser_client, field):
    page = organiser_client.get(DESK).content.decode()
    assert "Kandidaturer – Sveriges DigitaliseringsKommun 2027" in page
    assert "4 kandidaturer från 5 bekräftade nomineringar (1 väntar på bekräftelse" in page
    rows = [(c.name, c.nomination_count) for c in candidacies(field)]
    assert rows == [("Sundsvall", 2), ("Mora", 1), ("Orsa", 1), ("Älvdalen", 1)]
    assert '<td class="num">2</td>' in page


def test_field_filters_by_county_and_name(organiser_client, field):
    dalarna = organiser_client.get(DESK, {"county": "20"}).content.decode()
    assert "Mora" in dalarna and "Sundsvall</a>" not in dalarna
    by_name = organiser_client.get(DESK, {"q": "sunds"}).content.decode()
    assert "Sundsvall</a>" in by_name and "Mora</a>" not in by_name


def test_field_page_queries_do_not_grow_with_the_field(
    organiser_client, field, django_assert_max_num_queries
):
    # Each signed-in request also reads the session's second factor (django-otp): one query;
    # and the desk's header the person's jury seats, for the roles it names: one more.
    with django_assert_max_num_queries(16):
        organiser_client.get(DESK)
    with django_assert_max_num_queries(14):
        organiser_client.get(DESK + "nomineringar/")


def test_every_nomination_text_is_shown_and_filterable(organiser_client, field):
    page = organiser_client.get(DESK + "nomineringar/").content.decode()
    assert "6 nomineringar hittades." in page
    assert "Handläggningstiden halverades och fler ärenden klaras digitalt." in page
    assert "Från Bertil &lt;bertil@example.se&gt;" in page
    confirmed = organiser_client.get(DESK + "nomineringar/", {"status": "pending"})
    assert "1 nominering hittades." in confirmed.content.decode()
    assert "later@example.se" in confirmed.content.decode()
    searched = organiser_client.get(DESK + "nomineringar/", {"q": "Bertil"}).content.decode()
    assert "1 nominering hittades." in searched


def test_csv_export_is_utf8_with_bom_and_semicolons(organiser_client, field):
    response = organiser_client.get(DESK + "nomineringar.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="nomineringar-2027.csv"'
    assert response.streaming
    raw = response.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Kommunkod", "Kommun", "Län", "Kandidatur", "Status"]
    assert rows[0][10] == "Vad är kommunen mest stolt över?"
    by_email = {row[8]: row for row in rows[1:]}
    assert by_email["mora@example.se"][:3] == ["2062", "Mora", "Dalarnas län"]
    assert by_email["later@example.se"][4] == "Väntar på bekräftelse"
    assert len(rows) == 7

    candidacies_csv = organiser_client.get(DESK + "kandidaturer.csv").getvalue().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(candidacies_csv), delimiter=";"))
    assert lines[0][:5] == [
        "Kandidatur",
        "Kommuner",
        "Kommunkoder",
        "Län",
        "Bekräftade nomineringar",
    ]
    assert lines[1][1:5] == ["Sundsvall", "2281", "Västernorrlands län", "2"]


def test_organiser_joins_mora_orsa_and_alvdalen(organiser_client, field):
    ids = {c.name: c.pk for c in candidacies(field)}
    joined = organiser_client.post(
        DESK + "sla-ihop/",
        {"candidacy": [ids["Älvdalen"], ids["Orsa"], ids["Mora"]]},
        follow=True,
    ).content.decode()
    assert "Mora, Orsa och Älvdalen står nu tillsammans." in joined
    rows = {c.name: c for c in candidacies(field)}
    assert set(rows) == {"Sundsvall", "Mora, Orsa och Älvdalen"}
    joint = rows["Mora, Orsa och Älvdalen"]
    assert (joint.is_joint, joint.nomination_count) == (True, 3)
    assert [m.code for m in joint.municipalities] == ["2062", "2034", "2039"]
    event = AuditEvent.objects.get(action="candidacy.joined")
    assert event.after["municipalities"] == ["2062", "2034", "2039"]
    assert len(event.before["candidacies"]) == 3
    # A confirmed nomination for Orsa later joins the joint candidacy.
    assert Nomination.objects.filter(municipality__name="Orsa").get().candidacy_id == joint.pk


def test_joining_needs_two_candidacies(organiser_client, field):
    sundsvall = candidacies(field).get(members__municipality__name="Sundsvall")
    refused = organiser_client.post(DESK + "sla-ihop/", {"candidacy": [sundsvall.pk]}, follow=True)
    assert "Välj minst två kandidaturer att slå ihop." in refused.content.decode()
    assert candidacies(field).count() == 4


def test_organiser_rejects_a_nomination_as_spam_with_a_reason(organiser_client, field):
    spam = Nomination.objects.get(nominator_email="bertil@example.se")
    refused = organiser_client.post(
        f"{DESK}nomineringar/{spam.pk}/avvisa/", {"reason": ""}, follow=True
    )
    assert "Skriv varför nomineringen avvisas." in refused.content.decode()
    spam.refresh_from_db()
    assert spam.status == NominationStatus.CONFIRMED

    done = organiser_client.post(
        f"{DESK}nomineringar/{spam.pk}/avvisa/",
        {"reason": "Reklam för ett konsultbolag"},
        follow=True,
    ).content.decode()
    assert "Nomineringen av Sundsvall från Bertil är avvisad som skräp" in done
    assert "Avvisad som skräp av organiser@example.se: Reklam för ett konsultbolag" in done
    spam.refresh_from_db()
    assert (spam.status, spam.rejected_reason) == (
        NominationStatus.REJECTED,
        "Reklam för ett konsultbolag",
    )
    assert candidacies(field).get(members__municipality__name="Sundsvall").nomination_count == 1
    event = AuditEvent.objects.get(action="nomination.rejected")
    assert (event.actor, event.before, event.after["reason"]) == (
        "organiser@example.se",
        {"status": "confirmed"},
        "Reklam för ett konsultbolag",
    )


def test_organiser_registers_contacts_and_sees_who_is_still_waiting(
    organiser_client, field, django_capture_on_commit_callbacks
):
    page = organiser_client.get(DESK + "kontakter/").content.decode()
    assert "Nominerade men utan kontaktperson" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        saved = organiser_client.post(
            DESK + "kontakter/",
            {"municipality": "Mora kommun", "email": "it@mora.se", "name": "Mia Mora"},
            follow=True,
        ).content.decode()
    assert "it@mora.se är kontaktperson för Mora och har fått besked om kandidaturen." in saved
    assert [m.to for m in mail.outbox] == [["it@mora.se"]]
    unknown = organiser_client.post(
        DESK + "kontakter/", {"municipality": "Atlantis", "email": "x@example.se"}
    )
    assert unknown.status_code == 400
    assert "Okänd kommun 'Atlantis'" in html.unescape(unknown.content.decode())


def test_desk_is_for_organisers(client, field, django_user_model):
    assert client.get(DESK)["Location"] == f"/logga-in/?next={DESK}"
    someone = django_user_model.objects.create_user("someone@example.se", password="x")
    browser = Client()
    browser.force_login(someone)
    for path in (DESK, DESK + "nomineringar/", DESK + "nomineringar.csv", DESK + "kontakter/"):
        response = browser.get(path)
        assert response.status_code == 403
        assert "Inte för ditt konto" in response.content.decode()


def test_jury_reads_candidacies_through_the_selectors(
    field, organiser, django_assert_max_num_queries
):
    ordered = [c for c in candidacies(field) if c.name in ("Mora", "Orsa")]
    join_candidacies(candidacies=ordered, actor=organiser)
    with django_assert_max_num_queries(4):
        rows = [
            (c.name, c.nomination_count, c.response, contribution_of(c).is_empty)
            for c in candidacies(field)
        ]
    # Most nominated first; equally nominated in Swedish order.
    assert rows == [
        ("Mora och Orsa", 2, Response.PENDING, True),
        ("Sundsvall", 2, Response.PENDING, True),
        ("Älvdalen", 1, Response.PENDING, True),
    ]


def test_new_candidacies_stay_out_of_the_public_archive(field, award):
    assert field not in list(public_editions(award=award))
    assert "2027" not in Client().get("/vinnare/").content.decode()


def test_rejecting_never_redirects_to_another_site(organiser_client, field):
    spam = Nomination.objects.get(nominator_email="bertil@example.se")
    response = organiser_client.post(
        f"{DESK}nomineringar/{spam.pk}/avvisa/",
        {"reason": "Reklam", "next": "//evil.example/phish"},
    )
    assert response["Location"] == DESK + "nomineringar/"


def test_editions_and_contacts_pages_queries_do_not_grow(
    organiser_client, field, django_assert_max_num_queries
):
    organiser_client.post(DESK + "kontakter/", {"municipality": "Mora", "email": "it@mora.se"})
    organiser_client.post(DESK + "kontakter/", {"municipality": "Orsa", "email": "it@orsa.se"})
    # The desk's header reads the person's jury seats: one query on every desk page.
    with django_assert_max_num_queries(11):
        organiser_client.get("/arbetsyta/nomineringar/")
    # Each signed-in request also reads the session's second factor (django-otp): one query.
    with django_assert_max_num_queries(14):
        organiser_client.get(DESK + "kontakter/")


def test_refusals_of_the_organiser_are_in_the_readers_language(field, organiser):
    one = [c for c in candidacies(field) if c.name == "Mora"]
    for language, expected in (
        ("sv", "Välj minst två kandidaturer att slå ihop."),
        ("en", "Choose at least two candidacies to join."),
    ):
        with translation.override(language), pytest.raises(CandidacyError) as refused:
            join_candidacies(candidacies=one, actor=organiser)
        assert str(refused.value) == expected

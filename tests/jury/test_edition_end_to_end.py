"""A whole edition as the people in it live it, through HTTP and the organiser's commands:
open nominations → nominations → candidacies → nominees → finalists → scores → ballot →
decision → publication at the gala."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from kommunpris.awards.models import Edition, Phase
from kommunpris.jury.models import Criterion
from kommunpris.nominations.models import Candidacy

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PASSWORD = "ett-långt-lösenord-för-juryn"
# municipality as written in the form → how many people nominate it
NOMINATED = {"Ovanåker": 3, "Timrå": 2, "Kiruna": 1, "Ljusdal": 2, "Lunds kommun": 1, "Umeå": 1}
JURY = {
    "ordforande@example.se": "chair",
    "anna@example.se": "juror",
    "bo@example.se": "juror",
    "cia@example.se": "juror",
}


def text(response) -> str:
    body = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def link(marker: str, to: str) -> str:
    """The path of the newest link containing `marker` mailed to `to`, as a person clicks it."""
    for message in reversed(mail.outbox):
        if to in message.to:
            for url in re.findall(r"https?://\S+", message.body):
                if marker in url:
                    return urlsplit(url).path
    raise AssertionError(f"no {marker} link mailed to {to}")


def command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def scores_for(criteria, value: int, note: str) -> dict[str, str]:
    data = {f"value_{c.pk}": str(value) for c in criteria}
    data |= {f"comment_{c.pk}": note for c in criteria}
    return data | {"comment": note, "action": "submit"}


@pytest.mark.django_db
def test_edition_end_to_end(
    award,
    client,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
    time_machine,
    sign_in_verified,
):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()

    # March 2029: the organiser creates the 2029 edition and opens the call for nominations.
    time_machine.move_to(datetime(2029, 3, 1, 10, 0, tzinfo=STOCKHOLM), tick=False)
    command(
        "create_edition",
        "--year=2029",
        "--nominations-close=2029-04-30",
        "--supplement-close=2029-05-15",
        "--ceremony=2029-11-14T18:00",
    )
    command("open_nominations", "--year=2029")
    edition = Edition.objects.get(award=award, year=2029)
    assert edition.phase == Phase.NOMINATIONS_OPEN

    # People nominate municipalities and confirm through the link they are mailed.
    number = 0
    for written, people in NOMINATED.items():
        for person in range(people):
            number += 1
            email = f"nominerare{number}@example.se"
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    "/nominera/",
                    {
                        "municipality": written,
                        "proud": f"Det {written} är stolt över, enligt person {person}.",
                        "effect": "Kortare väntetider för invånarna.",
                        "learned": "Att mäta effekten från början.",
                        "nominator_name": f"Person {number}",
                        "nominator_email": email,
                        "nominator_organisation": "Sambruk"
                        if written == "Ljusdal" and person == 0
                        else "",
                        "consent": "on",
                        "website": "",
                    },
                    REMOTE_ADDR=f"192.0.2.{number}",
                )
            assert response.status_code == 302, text(response)
            with django_capture_on_commit_callbacks(execute=True):
                confirmed = client.post(link("/nominera/bekrafta/", email), follow=True)
            assert confirmed.status_code == 200

    # September: the organiser seats the jury; each member sets a password from the invitation.
    time_machine.move_to(datetime(2029, 9, 20, 9, 0, tzinfo=STOCKHOLM), tick=False)
    organiser_user = _organiser()
    organiser = sign_in_verified(Client(), organiser_user)
    for email, role in JURY.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = organiser.post(
                "/arbetsyta/jury/2029/ledamoter/",
                {"email": email, "name": "", "role": role, "language": "sv"},
            )
        assert response.status_code == 302
    time_machine.move_to(datetime(2029, 9, 25, 9, 0, tzinfo=STOCKHOLM), tick=False)
    # Five days on, the organiser's session has expired (8 hours without use): a new sign-in.
    assert organiser.get("/arbetsyta/jury/2029/")["Location"].startswith("/logga-in/")
    sign_in_verified(organiser, organiser_user)
    people: dict[str, Client] = {}
    for email in JURY:
        person = Client()
        response = person.post(
            link("/arbetsyta/jury/inbjudan/", email),
            {"new_password1": PASSWORD, "new_password2": PASSWORD},
        )
        assert response.status_code == 302
        # Then their two-factor sign-in (tests/accounts walks the set-up pages themselves).
        people[email] = sign_in_verified(person, User.objects.get(username=email))
    chair, anna, bo, cia = (people[e] for e in JURY)

    # Ties: Bo lives in Timrå; Cia sits on Sambruk's board, which nominated Ljusdal.
    assert (
        bo.post(
            "/arbetsyta/jury/2029/jav/",
            {"kind": "home", "municipality": "Timrå", "note": "Bor där", "confirmed": "yes"},
        ).status_code
        == 302
    )
    assert (
        cia.post(
            "/arbetsyta/jury/2029/jav/",
            {
                "kind": "organisation",
                "organisation": "sambruk",
                "note": "Styrelsen",
                "confirmed": "yes",
            },
        ).status_code
        == 302
    )

    # The call closes; the candidacies go to the jury, with the default rubric.
    command("close_nominations", "--year=2029")
    candidacies = {c.name: c for c in Candidacy.objects.filter(edition=edition)}
    assert sorted(candidacies) == ["Kiruna", "Ljusdal", "Lund", "Ovanåker", "Timrå", "Umeå"]
    asked = organiser.post("/arbetsyta/jury/2029/fas/", {"action": "start_review"})
    assert "Lämna över kandidaturerna i Sveriges DigitaliseringsKommun 2029 till juryn?" in (
        text(asked)
    )
    response = organiser.post(
        "/arbetsyta/jury/2029/fas/", {"action": "start_review", "confirmed": "yes"}
    )
    assert response.status_code == 302
    criteria = list(Criterion.objects.filter(edition=edition))
    assert len(criteria) == 7
    listing = text(anna.get("/arbetsyta/jury/2029/kandidaturer/"))
    assert "Ovanåker 2121 3 Kandidatur" in listing
    assert "Timrå" not in text(bo.get("/arbetsyta/jury/2029/kandidaturer/"))
    assert "Ljusdal" not in text(cia.get("/arbetsyta/jury/2029/kandidaturer/"))

    # Three rounds: everybody scores what they may see; the chair moves the funnel on.
    quality = {"Ovanåker": 4, "Timrå": 3, "Ljusdal": 3, "Kiruna": 2, "Lund": 1, "Umeå": 1}

    def score_round(slug: str, names: list[str]) -> None:
        assert (
            chair.post(
                f"/arbetsyta/jury/2029/omgang/{slug}/status/",
                {"action": "open", "confirmed": "yes"},
            ).status_code
            == 302
        )
        for email, person in people.items():
            for name in names:
                url = f"/arbetsyta/jury/2029/omgang/{slug}/{candidacies[name].pk}/"
                response = person.post(
                    url, scores_for(criteria, quality[name], f"{email} om {name}")
                )
                hidden = (email == "bo@example.se" and name == "Timrå") or (
                    email == "cia@example.se" and name == "Ljusdal"
                )
                assert response.status_code == (404 if hidden else 302), (email, name)
        assert (
            chair.post(
                f"/arbetsyta/jury/2029/omgang/{slug}/status/",
                {"action": "close", "confirmed": "yes"},
            ).status_code
            == 302
        )

    def move(names: list[str], stage: str) -> None:
        for name in names:
            response = chair.post(
                f"/arbetsyta/jury/2029/kandidaturer/{candidacies[name].pk}/steg/", {"stage": stage}
            )
            assert response.status_code == 302

    score_round("kandidatur", list(candidacies))
    results = text(chair.get("/arbetsyta/jury/2029/omgang/kandidatur/resultat/"))
    assert results.index("Ovanåker") < results.index("Kiruna") < results.index("Umeå")
    move(["Ovanåker", "Timrå", "Ljusdal", "Kiruna"], "nominee")
    score_round("nominerad", ["Ovanåker", "Timrå", "Ljusdal", "Kiruna"])
    move(["Ovanåker", "Timrå", "Ljusdal"], "finalist")
    score_round("finalist", ["Ovanåker", "Timrå", "Ljusdal"])
    csv = chair.get("/arbetsyta/jury/2029/omgang/finalist/resultat.csv").content.decode()
    assert csv.startswith("\ufeffPlacering;Kandidatur;Kommunkoder;Medelpoäng (0–4);")
    assert csv.splitlines()[1:4] == [
        "1;Ovanåker;2121;4,00;1,21;0,00;4;nej;" + ";".join(["4,00"] * 7),
        "2;Ljusdal;2161;3,00;-0,80;0,00;3;nej;" + ";".join(["3,00"] * 7),
        "2;Timrå;2262;3,00;-0,80;0,00;3;nej;" + ";".join(["3,00"] * 7),
    ]
    assert (
        anna.post(
            f"/arbetsyta/jury/2029/kandidaturer/{candidacies['Ovanåker'].pk}/platsbesok/",
            {"visited_on": "2029-09-20", "body": "Ledningen och verksamheten talar samma språk."},
        ).status_code
        == 302
    )

    # Deliberation and the final ballot (Bo and Cia abstain on their conflicts).
    assert (
        chair.post(
            "/arbetsyta/jury/2029/fas/", {"action": "start_deliberation", "confirmed": "yes"}
        ).status_code
        == 302
    )
    o, t, lj = (candidacies[n].pk for n in ("Ovanåker", "Timrå", "Ljusdal"))
    ballots = {
        "ordforande@example.se": {o: 1, t: 2, lj: 3},
        "anna@example.se": {o: 1, lj: 2, t: 3},
        "bo@example.se": {o: 1, lj: 2},
        "cia@example.se": {t: 1, o: 2},
    }
    for email, ranks in ballots.items():
        response = people[email].post(
            "/arbetsyta/jury/2029/omrostning/", {f"rank_{pk}": str(r) for pk, r in ranks.items()}
        )
        assert response.status_code == 302, (email, text(response))
    count = text(chair.get("/arbetsyta/jury/2029/omrostning/resultat/"))
    assert "4 av 4 ledamöter har röstat." in count
    assert "Ordning Ovanåker Ljusdal = Timrå lika" in count
    # Pairwise: Bo and Cia abstain on Timrå and Ljusdal, so those two stand 1–1.
    assert (
        "Parvisa preferenser Ljusdal Ovanåker Timrå Ljusdal – 0 1 Ovanåker 3 – 2 Timrå 1 1 –"
        in (count)
    )
    response = chair.post(
        "/arbetsyta/jury/2029/omrostning/resultat/",
        {f"place_{t}": "1", f"place_{lj}": "2", "note": "Juryn enades om Timrå före Ljusdal."},
    )
    assert response.status_code == 302
    assert "Ordning Ovanåker Timrå Ljusdal" in text(
        chair.get("/arbetsyta/jury/2029/omrostning/resultat/")
    )

    # The chair records the decision, with the gala as the publication time.
    form = text(chair.get("/arbetsyta/jury/2029/beslut/"))
    assert "Ovanåkers kommun" in chair.get("/arbetsyta/jury/2029/beslut/").content.decode()
    assert "Omröstningen (4 röster) sätter först: Ovanåker" in form
    motivation = "Ovanåker visar att en liten kommun kan gå före i hela landet."
    with django_capture_on_commit_callbacks(execute=True):
        response = chair.post(
            "/arbetsyta/jury/2029/beslut/",
            {
                "action": "decide",
                "candidacy": o,
                "display_name": "Ovanåkers kommun",
                "motivation": motivation,
                "motivation_en": "Ovanåker shows the way.",
                "publish_at": "2029-11-14T18:00",
                "confirmed": "yes",
            },
        )
    assert response.status_code == 302, text(response)
    edition.refresh_from_db()
    assert (edition.phase, edition.publish_at) == (
        Phase.DECIDED,
        datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM),
    )
    # Frozen: no more scores or ballots.
    late = anna.post("/arbetsyta/jury/2029/omrostning/", {f"rank_{o}": "2", f"rank_{t}": "1"})
    assert late.status_code == 302
    assert "Omröstningen är inte öppen." in text(anna.get("/arbetsyta/jury/2029/omrostning/"))

    # Publication: nothing before the gala, everything after it, with no step in between.
    public = Client()
    time_machine.move_to(datetime(2029, 11, 14, 17, 59, tzinfo=STOCKHOLM), tick=False)
    assert "Ovanåkers kommun" not in public.get("/vinnare/2029/").content.decode()
    assert json.loads(public.get("/api/v1/editions/2029").content)["winner"] is None
    assert "Ovanåkers kommun" not in public.get("/feed/").content.decode()
    time_machine.move_to(datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM), tick=False)
    page = text(public.get("/vinnare/2029/"))
    assert "Ovanåkers kommun" in page and motivation in page
    assert (
        "Finalister och nominerade Ljusdal – finalist Ovanåker – finalist Timrå – finalist "
        "Kiruna – nominerad"
    ) in page
    winner = json.loads(public.get("/api/v1/editions/2029").content)["winner"]
    assert (winner["municipality_code"], winner["display_name"]) == ("2121", "Ovanåkers kommun")
    assert "Ovanåkers kommun" in public.get("/feed/").content.decode()
    assert "Ovanåkers kommun" in public.get("/vinnare/vinnare.csv").content.decode()
    assert "Ovanåkers kommun" in command("export_winners")


def _organiser():
    return User.objects.create_user(
        username="organisator@example.se",
        email="organisator@example.se",
        password=PASSWORD,
        is_staff=True,
    )

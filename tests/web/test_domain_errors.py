"""One mapping of domain errors to answers: the desk and the public site show the error page
with the message and the status of the error's kind; the API answers {"detail": message}."""

from __future__ import annotations

import pytest
from django.test import Client

from kommunpris.awards.models import Award

pytestmark = pytest.mark.urls("tests.web.domain_error_urls")


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_public_page_shows_a_refusal_with_403_and_its_message(archive: Award) -> None:
    answer = Client().get("/prov/vagrad/")
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "<h1>Inte tillåtet</h1>" in _main(html)
    assert "<p>Den här sidan är stängd för dig.</p>" in _main(html)
    assert 'class="desk"' not in html


def test_desk_page_shows_a_wrong_phase_with_409_on_the_desk(archive: Award) -> None:
    answer = Client().get("/arbetsyta/prov/fel-fas/")
    assert answer.status_code == 409
    html = answer.content.decode()
    assert '<body class="desk">' in html
    assert "<h1>Går inte just nu</h1>" in _main(html)
    assert "Nomineringen till Sveriges DigitaliseringsKommun 2027 är redan stängd." in html
    assert 'href="/arbetsyta/"' in _main(html)


def test_error_page_follows_the_readers_language(archive: Award) -> None:
    answer = Client().get("/en/prov/vagrad/")
    assert answer.status_code == 403
    assert "<h1>Not allowed</h1>" in _main(answer.content.decode())


def test_api_answers_a_domain_error_with_its_status_and_detail(archive: Award) -> None:
    client = Client()
    unknown_edition = client.get("/api/v1/editions/1999")
    unknown_award = client.get("/api/v1/winners?award=nobel")
    unknown_county = client.get("/api/v1/counties/99")
    assert [r.status_code for r in (unknown_edition, unknown_award, unknown_county)] == [
        404,
        404,
        404,
    ]
    assert unknown_edition.json() == {"detail": "Upplagan 1999 finns inte."}
    assert unknown_award.json() == {
        "detail": "Okänd utmärkelse 'nobel'. Kända: digitaliseringskommun."
    }
    assert unknown_county.json() == {
        "detail": "Det finns inget län med koden '99'. Koden har två siffror."
    }

"""The privacy notice says what is kept, why and for how long (the housekeeping command that keeps
that promise is tested in test_personal_data_purge.py), and where to ask for one's own data."""

from __future__ import annotations


def test_privacy_notice_says_what_why_and_how_long(client, award):
    page = client.get("/nominera/personuppgifter/").content.decode()
    assert "<h1>Personuppgifter i nomineringar</h1>" in page
    assert "Kvalitetsmässan driver utmärkelsen och är personuppgiftsansvarig" in page
    for heading in ("Vad vi sparar", "Varför", "Hur länge", "Dina rättigheter"):
        assert f"<h2>{heading}</h2>" in page
    assert "raderas 180 dagar efter att upplagans vinnare har tillkännagetts" in page
    assert "Integritetsskyddsmyndigheten (IMY)" in page

    english = client.get("/en/nominera/personuppgifter/").content.decode()
    assert "erased 180 days after the edition's winner has been announced" in english


def test_form_links_to_the_privacy_notice(client, edition):
    page = client.get("/nominera/").content.decode()
    assert page.count('href="/nominera/personuppgifter/"') >= 2

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


def test_privacy_notice_states_the_schedule_from_the_setting(client, award, settings):
    settings.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS = 90
    page = " ".join(client.get("/nominera/personuppgifter/").content.decode().split())
    for promise in (
        "En nominering som aldrig bekräftas raderas 30 dagar efter att den skickades",
        "Ditt namn, din e-postadress och din organisation raderas 90 dagar efter att upplagans "
        "vinnare har tillkännagetts. Svaren om kommunen sparas, utan ditt namn",
        "Mejlen vi skickar till dig, med sina länkar, raderas ur vår e-postlogg 30 dagar efter "
        "att de skickades.",
        "deras uppgifter raderas 90 dagar efter tillkännagivandet",
        "Den innehåller aldrig en nominerares namn eller e-postadress.",
        "medan nomineringsperioden pågår raderas då din nominering och räknas inte längre",
    ):
        assert promise in page

    english = " ".join(client.get("/en/nominera/personuppgifter/").content.decode().split())
    assert "erased 90 days after the edition's winner has been announced" in english
    assert "deleted 30 days after it was sent" in english


def test_privacy_notice_links_to_the_request_page_in_its_language(client, award):
    page = client.get("/nominera/personuppgifter/").content.decode()
    assert '<a href="/personuppgifter/mina/">Se, ladda ner eller radera dina uppgifter</a>' in page
    english = client.get("/en/nominera/personuppgifter/").content.decode()
    assert '<a href="/en/personuppgifter/mina/">See, download or delete your data</a>' in english


def test_personuppgifter_leads_to_the_privacy_notice(client, award):
    assert client.get("/personuppgifter/")["Location"] == "/nominera/personuppgifter/"
    assert client.get("/en/personuppgifter/")["Location"] == "/en/nominera/personuppgifter/"

"""Nobody learns who has nominated, and nobody changes another person's nomination.

Anyone can type any address into the form. So the page after sending reads the same whether the
address has nominated before or not; and a new text sent for an address waits for the link
mailed to that address: until its owner follows it, what the owner wrote stands, and the owner's
own earlier link keeps working.
"""

from __future__ import annotations

import re
from html import unescape

from django.core import mail
from django.test import Client

from kommunpris.nominations.models import Nomination, NominationStatus


def _page_text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _sent_page(nominate, **changes) -> str:
    """What the sender sees after sending the form from a browser of their own."""
    browser = Client()
    response = nominate(via=browser, **changes)
    assert response["Location"] == "/nominera/skickad/"
    return _page_text(browser.get(response["Location"]))


def test_page_after_nominating_reads_the_same_whether_or_not_the_address_has_nominated(
    edition, nominate, confirm, link_in
):
    first = _sent_page(nominate, proud="Annas text.")
    again = _sent_page(nominate, proud="Någon annans text.", ip="198.51.100.7")
    assert again == first
    confirm(link_in(mail.outbox[0], "/nominera/bekrafta/"))
    after_confirming = _sent_page(nominate, proud="En tredje text.", ip="198.51.100.8")
    assert after_confirming == first
    assert "anna@example.se" in first and "Sundsvall" in first


def test_someone_elses_text_never_replaces_an_unconfirmed_nomination_nor_voids_its_link(
    edition, nominate, confirm, link_in, client
):
    nominate(proud="Annas text.")
    annas_link = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    # Someone else types Anna's address, from another connection.
    nominate(via=Client(), ip="198.51.100.7", proud="Någon annans text.", nominator_name="X")
    others_link = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    assert (Nomination.objects.get().answers["proud"], Nomination.objects.get().nominator_name) == (
        "Annas text.",
        "Anna Andersson",
    )
    # Anna's link shows, and confirms, what she wrote.
    assert "Annas text." in _page_text(client.get(annas_link))
    done = confirm(annas_link)
    assert "Tack! Din nominering är bekräftad" in done.content.decode()
    nomination = Nomination.objects.get()
    assert (nomination.status, nomination.answers["proud"], nomination.nominator_name) == (
        NominationStatus.CONFIRMED,
        "Annas text.",
        "Anna Andersson",
    )
    # The other text waits in Anna's mailbox; only following that link would apply it.
    assert "Någon annans text." in _page_text(client.get(others_link))


def test_someone_elses_text_never_voids_the_owners_pending_change(
    edition, nominate, confirm, link_in
):
    nominate(proud="Första texten.")
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    nominate(proud="Annas nya text.")
    annas_change = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    nominate(via=Client(), ip="198.51.100.7", proud="Någon annans text.")
    assert Nomination.objects.get().answers["proud"] == "Första texten."
    done = confirm(annas_change)
    assert "Tack! Din nominering är uppdaterad" in done.content.decode()
    assert Nomination.objects.get().answers["proud"] == "Annas nya text."


def test_each_link_confirms_the_text_it_was_sent_with_and_older_links_stop_once_a_newer_counts(
    edition, nominate, confirm, link_in, client
):
    nominate(proud="Första versionen.")
    first = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    nominate(proud="Andra versionen.")
    second = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    assert Nomination.objects.get().answers["proud"] == "Första versionen."

    shown = _page_text(client.get(second))
    assert "Andra versionen." in shown and "Första versionen." not in shown
    confirm(second)
    nomination = Nomination.objects.get()
    assert (nomination.status, nomination.answers["proud"]) == (
        NominationStatus.CONFIRMED,
        "Andra versionen.",
    )
    # The older text can no longer overwrite the newer one.
    old = confirm(first).content.decode()
    assert "Länken har redan använts" in old
    assert Nomination.objects.get().answers["proud"] == "Andra versionen."


def test_confirming_the_first_link_leaves_a_newer_text_waiting_for_its_own(
    edition, nominate, confirm, link_in
):
    nominate(proud="Första versionen.")
    first = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    nominate(proud="Andra versionen.")
    second = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    confirm(first)
    assert Nomination.objects.get().answers["proud"] == "Första versionen."
    done = confirm(second)
    assert "Tack! Din nominering är uppdaterad" in done.content.decode()
    assert Nomination.objects.get().answers["proud"] == "Andra versionen."
    assert Nomination.objects.count() == 1


def test_limit_on_one_address_refuses_its_owner_openly_and_everyone_else_silently(
    edition, nominate, settings
):
    # Per address and connection: two texts an hour, then the sender is told. Per address from
    # anywhere: three, then nothing more is taken or mailed, and the page does not say so.
    settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS = {
        "ip": (20, 3600),
        "email": (2, 3600),
        "address": (3, 3600),
    }
    nominate(proud="Ett.")
    nominate(proud="Två.")
    own = nominate(proud="Tre.")
    assert own.status_code == 429
    assert "anna@example.se har redan skickat många nomineringar" in own.content.decode()

    first_time = _sent_page(nominate, nominator_email="bertil@example.se", ip="198.51.100.6")
    expected = first_time.replace("bertil@example.se", "anna@example.se")
    assert _sent_page(nominate, proud="Fyra.", ip="198.51.100.7") == expected
    mailed = len([m for m in mail.outbox if m.to == ["anna@example.se"]])
    assert _sent_page(nominate, proud="Fem.", ip="198.51.100.9") == expected
    assert len([m for m in mail.outbox if m.to == ["anna@example.se"]]) == mailed
    assert Nomination.objects.get(nominator_email="anna@example.se").answers["proud"] == "Ett."

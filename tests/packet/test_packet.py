"""The jury packet: a candidacy's and a round's printable page and PDF, and a round's ZIP with the
municipalities' attachments — what each reader finds in them, read back as a person would (the
PDF's text with pypdf, the ZIP's files with zipfile), and the conflict rule to the byte."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.jury import packet as packets
from tests.permissions.world import MINIMAL_PDF, SCORE_MARK, VISIT_MARK, World

pytestmark = pytest.mark.django_db

JOINT_NAMES = ("Mora", "Orsa", "Älvdalen")


def _client(user: Any) -> Client:
    return sign_in_verified(Client(), user)


def _text(pdf: bytes) -> str:
    """The PDF's text as a reader's program extracts it, lines joined by spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"desk:{name}", kwargs={"year": world.jury.year, **kwargs})


def test_a_jurors_packet_page_holds_the_material_and_no_score(world: World):
    response = _client(world.juror).get(_url("jury-packet", world, pk=world.sundsvall.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<h1 id="packet-{world.sundsvall.pk}" class="packet-title">Sundsvall</h1>' in page
    assert "<dt>Kommunens svar</dt><dd>Tackat ja</dd>" in page
    assert "2 nomineringar" in page
    assert "nominerad av någon på Vision" in page
    assert "E-tjänsterna i Sundsvall som invånarna faktiskt använder." in page
    assert "Vår egen berättelse om Sundsvall." in page
    assert "Sundsvall.pdf" in page
    assert f"{VISIT_MARK}: kontaktcenter vittnar om färre ärenden." in page
    assert SCORE_MARK not in page
    # The nominator's own name and address stay with the organiser.
    assert "Anna Wik" not in page and "anna.wik@example.se" not in page


def test_a_candidacys_pdf_reads_like_its_page(world: World):
    response = _client(world.juror).get(_url("jury-packet-pdf", world, pk=world.sundsvall.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="underlag-{world.jury.year}-Sundsvall.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata is not None and reader.metadata.title == "Sundsvall"
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
    text = _text(response.content)
    for seen in (
        "Sundsvall",
        "nominerad av någon på Vision",
        "E-tjänsterna i Sundsvall som invånarna faktiskt använder.",
        "Vår egen berättelse om Sundsvall.",
        "Sundsvall.pdf",
        "kontaktcenter vittnar om färre ärenden.",
        "Utskrivet för Ahmed Haddad",
        "1 / ",
    ):
        assert seen in text, seen
    assert SCORE_MARK not in text


def test_the_conflicted_juror_gets_nothing_of_the_candidacy_they_stand_aside_from(world: World):
    client = _client(world.conflicted)
    for name, kwargs in (
        ("jury-packet", {"pk": world.joint.pk}),
        ("jury-packet-pdf", {"pk": world.joint.pk}),
        ("jury-packet-attachment", {"pk": world.joint.pk, "attachment_pk": world.joint_pdf.pk}),
    ):
        assert client.get(_url(name, world, **kwargs)).status_code == 404, name
    # An attachment of another candidacy is not reached through a visible one either.
    smuggled = _url(
        "jury-packet-attachment", world, pk=world.sundsvall.pk, attachment_pk=world.joint_pdf.pk
    )
    assert client.get(smuggled).status_code == 404


def _round_zip(client: Client, world: World, stage: str = "candidacy") -> zipfile.ZipFile:
    response = client.get(_url("jury-round-packet-zip", world, stage=stage))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(_body(response)))


def test_a_rounds_zip_has_every_packet_and_attachment_with_their_checksums(world: World):
    archive = _round_zip(_client(world.juror), world)
    root = f"underlag-{world.jury.year}-kandidatur"
    assert archive.namelist() == [
        f"{root}/1 Kiruna/underlag.pdf",
        f"{root}/2 Mora, Orsa och Älvdalen/underlag.pdf",
        f"{root}/2 Mora, Orsa och Älvdalen/bilagor/Samverkan i Dalarna.pdf",
        f"{root}/3 Sundsvall/underlag.pdf",
        f"{root}/3 Sundsvall/bilagor/Sundsvall.pdf",
        f"{root}/4 Timrå/underlag.pdf",
        f"{root}/5 Ljusdal/underlag.pdf",
        f"{root}/innehåll.txt",
    ]
    assert archive.read(f"{root}/3 Sundsvall/bilagor/Sundsvall.pdf") == MINIMAL_PDF
    assert "Vår egen berättelse om Sundsvall." in _text(
        archive.read(f"{root}/3 Sundsvall/underlag.pdf")
    )
    contents = archive.read(f"{root}/innehåll.txt").decode("utf-8")
    assert "Kandidaturer: 5" in contents
    sundsvall_packet = archive.read(f"{root}/3 Sundsvall/underlag.pdf")
    assert f"underlag.pdf  SHA-256 {hashlib.sha256(sundsvall_packet).hexdigest()}" in contents
    assert f"bilagor/Sundsvall.pdf  SHA-256 {hashlib.sha256(MINIMAL_PDF).hexdigest()}" in contents


def _every_text_in(archive: zipfile.ZipFile) -> str:
    parts = list(archive.namelist())
    for name in archive.namelist():
        data = archive.read(name)
        parts.append(_text(data) if name.endswith("underlag.pdf") else data.decode("latin-1"))
    return "\n".join(parts)


def test_a_rounds_zip_leaves_out_the_conflicted_candidacy_without_a_trace(world: World):
    archive = _round_zip(_client(world.conflicted), world)
    root = f"underlag-{world.jury.year}-kandidatur"
    assert archive.namelist() == [
        f"{root}/1 Kiruna/underlag.pdf",
        f"{root}/2 Sundsvall/underlag.pdf",
        f"{root}/2 Sundsvall/bilagor/Sundsvall.pdf",
        f"{root}/3 Timrå/underlag.pdf",
        f"{root}/4 Ljusdal/underlag.pdf",
        f"{root}/innehåll.txt",
    ]
    everything = _every_text_in(archive)
    for name in (*JOINT_NAMES, "Samverkan i Dalarna", "vi träffade de tre kommundirektörerna"):
        assert name not in everything, name
    assert "Kandidaturer: 4" in everything


def test_a_rounds_page_and_pdf_leave_out_the_conflicted_candidacy(world: World):
    client = _client(world.conflicted)
    page = client.get(_url("jury-round-packet", world, stage="finalist")).content.decode()
    assert "2 kandidaturer som du får läsa." in page
    assert "Sundsvall" in page and "Kiruna" in page
    pdf = client.get(_url("jury-round-packet-pdf", world, stage="finalist"))
    assert (
        pdf["Content-Disposition"]
        == f'attachment; filename="underlag-{world.jury.year}-finalist.pdf"'
    )
    text = _text(pdf.content)
    assert "2 kandidaturer." in text
    for name in JOINT_NAMES:
        assert name not in page and name not in text, name
    # Whoever may read every finalist gets all three, the joint one with its site visit.
    text = _text(
        _client(world.juror).get(_url("jury-round-packet-pdf", world, stage="finalist")).content
    )
    assert "3 kandidaturer." in text
    assert "vi träffade de tre kommundirektörerna i Mora." in text


def test_the_organiser_prints_every_packet_without_scores(world: World):
    client = _client(world.organiser)
    page = client.get(_url("jury-round-packet", world, stage="candidacy")).content.decode()
    assert "5 kandidaturer som du får läsa." in page
    assert SCORE_MARK not in page
    response = client.get(
        _url("jury-packet-attachment", world, pk=world.joint.pk, attachment_pk=world.joint_pdf.pk)
    )
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_nobody_else_learns_that_a_packet_exists(world: World):
    contact = Client()
    assert contact.get(_url("jury-packet", world, pk=world.sundsvall.pk)).status_code == 302
    # A juror of another edition only: the packets of this one are no page for them.
    other = Client()
    sign_in_verified(other, world.chair)
    decided_packet = reverse(
        "desk:jury-packet", kwargs={"year": world.call.year, "pk": world.umea.pk}
    )
    assert other.get(decided_packet).status_code == 404


def test_the_self_assessment_is_in_the_packet(world: World):
    """Sundsvall's contact has filled in the edition's self-assessment (see the world); Kiruna's
    has not."""
    client = _client(world.juror)
    page = client.get(_url("jury-packet", world, pk=world.sundsvall.pk)).content.decode()
    assert "Kommunens självskattning" in page
    assert "Sundsvall delar allt med grannarna." in page
    text = _text(client.get(_url("jury-packet-pdf", world, pk=world.sundsvall.pk)).content)
    for seen in (
        "Kommunens självskattning",
        "Ifylld av kommunens kontaktperson",
        "Samverkan och delning",
        "Nivå 3 av 4: Etablerad",
        "Sundsvall delar allt med grannarna.",
    ):
        assert seen in text, seen
    kiruna = client.get(_url("jury-packet", world, pk=world.kiruna.pk)).content.decode()
    assert "självskattning" not in kiruna
    # No documents: the section is headed by what it is, not by a count of nothing.
    assert f'<h2 id="packet-{world.kiruna.pk}-attachments">Bilagor</h2>' in kiruna
    assert "0 bilagor" not in kiruna


def test_a_round_too_large_for_one_pdf_is_offered_as_the_zip(world: World, settings: Any):
    """One PDF is laid out while the reader waits; above the limit the round's page says so and
    offers the ZIP (streamed, a PDF per candidacy), which still holds every packet."""
    settings.KOMMUNPRIS_ROUND_PDF_MAX_NOMINATIONS = 1
    client = _client(world.juror)
    round_page = _url("jury-round-packet", world, stage="candidacy")
    refused = client.get(_url("jury-round-packet-pdf", world, stage="candidacy"), follow=True)
    assert refused.redirect_chain == [(round_page, 302)]
    page = refused.content.decode()
    assert (
        "Underlagen för omgången för alla kandidaturer är för många för att läggas i en enda "
        "PDF medan du väntar."
    ) in page
    assert _url("jury-round-packet-pdf", world, stage="candidacy") not in page
    assert _url("jury-round-packet-zip", world, stage="candidacy") in page
    assert len(_round_zip(client, world).namelist()) == 8


def test_a_rounds_packets_read_a_fixed_number_of_queries(world: World):
    counts = []
    for stage in ("candidacy", "finalist"):  # five candidacies, then three
        with CaptureQueriesContext(connection) as queries:
            assert packets.round_packets(world.jury, world.juror, stage)
        counts.append(len(queries))
    assert counts[0] == counts[1]

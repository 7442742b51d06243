"""The jury packet at the desk: a candidacy's and a round's printable page, their PDFs, and a
round's ZIP file with every packet and the municipalities' attachments.

Every byte asks the conflict rule: a candidacy the viewer is conflicted out of answers 404 like
one that does not exist, and a round's page, PDF and ZIP leave it out without a gap or a count.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kommunpris import dates
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.jury.packet import (
    Packet,
    attachment_in,
    candidacy_packet,
    fits_one_pdf,
    round_packets,
)
from kommunpris.nominations import storage
from kommunpris.permissions.packet import may_read_round_packets

from .. import pdf
from ._common import Jury, jury_for, page

# The stage's word in file names, as in the round's URL.
STAGE_SLUGS = {"candidacy": "kandidatur", "nominee": "nominerad", "finalist": "finalist"}


def _jury(request: HttpRequest, year: int) -> Jury:
    jury = jury_for(request, year)
    if not may_read_round_packets(jury.user, jury.edition):
        raise Http404(_("There is no such page."))
    return jury


def _packet_or_404(jury: Jury, pk: int) -> Packet:
    found = candidacy_packet(jury.edition, jury.user, pk)
    if found is None:
        raise Http404(_("There is no such candidacy."))
    return found


def _document_context(jury: Jury, *, title: str, packets: Sequence[Packet]) -> dict[str, Any]:
    """What the packet's PDF prints besides the packets: its title, for whom and when."""
    return {
        "jury": jury,
        "edition": jury.edition,
        "title": title,
        "packets": packets,
        "printed_for": jury.user.get_full_name() or jury.user.email,
        "printed_at": timezone.now(),
        "language": translation.get_language(),
        "heading": 2 if len(packets) != 1 or title != packets[0].candidacy.name else 1,
    }


def _pdf_response(html: str, filename: str) -> HttpResponse:
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def candidacy(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    jury = _jury(request, year)
    found = _packet_or_404(jury, pk)
    return page(request, "packet.html", jury, {"packet": found, "heading": 1})


@login_required
@require_safe
def candidacy_pdf(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    jury = _jury(request, year)
    found = _packet_or_404(jury, pk)
    context = _document_context(jury, title=found.candidacy.name, packets=[found])
    filename = f"underlag-{year}-{_file_stem(found.candidacy.name)}.pdf"
    return _pdf_response(render_to_string("desk/pdf/packet.html", context, request), filename)


@login_required
@require_safe
def candidacy_attachment(
    request: HttpRequest, year: int, pk: int, attachment_pk: int
) -> HttpResponseBase:
    """A municipality's PDF, for whoever may read the candidacy's packet."""
    jury = _jury(request, year)
    found = attachment_in(_packet_or_404(jury, pk), attachment_pk)
    if found is None:
        raise Http404(_("There is no such attachment."))
    try:
        handle = storage.open_file(found.stored_name)
    except FileNotFoundError:
        raise Http404(_("The attachment's file is missing.")) from None
    return FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type="application/pdf"
    )


def _round_title(jury: Jury, stage: str) -> str:
    return _("The jury's packet: %(round)s, %(title)s") % {
        "round": ROUND_NAMES[stage],
        "title": jury.edition.title,
    }


@login_required
@require_safe
def round_page(request: HttpRequest, year: int, stage: str) -> HttpResponse:
    jury = _jury(request, year)
    packets = round_packets(jury.edition, jury.user, stage)
    return page(
        request,
        "round_packet.html",
        jury,
        {
            "stage": stage,
            "round_name": ROUND_NAMES[stage],
            "title": _round_title(jury, stage),
            "packets": packets,
            "heading": 2,
            "one_pdf": fits_one_pdf(packets),
        },
    )


@login_required
@require_safe
def round_pdf(request: HttpRequest, year: int, stage: str) -> HttpResponseBase:
    jury = _jury(request, year)
    packets = round_packets(jury.edition, jury.user, stage)
    if not fits_one_pdf(packets):
        messages.info(
            request,
            _(
                "The packets of %(round)s are too many to lay out as one PDF while you wait. "
                "Download the ZIP file (each packet as a PDF of its own, with the "
                "municipality's documents), or print this page."
            )
            % {"round": ROUND_NAMES[stage]},
        )
        return redirect("desk:jury-round-packet", year=year, stage=stage)
    context = _document_context(jury, title=_round_title(jury, stage), packets=packets)
    context["round_name"] = ROUND_NAMES[stage]
    filename = f"underlag-{year}-{STAGE_SLUGS[stage]}.pdf"
    return _pdf_response(render_to_string("desk/pdf/packet.html", context, request), filename)


@login_required
@require_safe
def round_zip(request: HttpRequest, year: int, stage: str) -> StreamingHttpResponse:
    """One folder per candidacy the viewer may read: its packet as PDF and its attachments;
    a table of contents with every file's SHA-256 at the top. Streamed: each packet is laid
    out while the previous one is on its way."""
    jury = _jury(request, year)
    packets = round_packets(jury.edition, jury.user, stage)
    root = f"underlag-{year}-{STAGE_SLUGS[stage]}"
    response = StreamingHttpResponse(
        _zip_chunks(request, jury, stage, root, packets), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{root}.zip"'
    return response


# --- the ZIP file ---------------------------------------------------------------------------


class _Sink(io.RawIOBase):
    """Where the ZIP is written: handed on in pieces, never kept whole (not seekable, so
    zipfile writes each member's sizes after its data)."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        taken = b"".join(self._pieces)
        self._pieces.clear()
        return taken


def _file_stem(name: str) -> str:
    """A name that every file system keeps: letters (å, ä, ö too), digits, space, dot, dash,
    comma, brackets; nothing that climbs folders or hides the file."""
    text = unicodedata.normalize("NFC", name)
    text = re.sub(r"[^\w .,()\-]", "_", text).strip(" .")
    return text[:100] or "fil"


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}).{suffix}" if suffix else f"{name} ({n})"
    taken.add(candidate.casefold())
    return candidate


def _zip_chunks(
    request: HttpRequest, jury: Jury, stage: str, root: str, packets: Sequence[Packet]
) -> Iterator[bytes]:
    sink = _Sink()
    language = translation.get_language()
    contents: list[str] = []
    width = len(str(len(packets)))
    with translation.override(language):
        packet_name = _("packet") + ".pdf"
        attachments_folder = _("attachments")
        contents_name = _("contents") + ".txt"
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for number, packet in enumerate(packets, 1):
            with translation.override(language):
                folder = f"{root}/{number:0{width}d} {_file_stem(packet.candidacy.name)}"
                context = _document_context(jury, title=packet.candidacy.name, packets=[packet])
                packet_pdf = pdf.html_to_pdf(
                    render_to_string("desk/pdf/packet.html", context, request)
                )
                archive.writestr(f"{folder}/{packet_name}", packet_pdf)
                contents.append(f"{number:0{width}d} {packet.candidacy.name}")
                contents.append(f"    {packet_name}  {_sha256(packet_pdf)}")
                taken: set[str] = set()
                for attachment in packet.attachments:
                    name = _unique(_file_stem(attachment.original_name), taken)
                    try:
                        with storage.open_file(attachment.stored_name) as handle:
                            data = handle.read()
                    except FileNotFoundError:
                        contents.append(
                            "    "
                            + _("%(name)s: the file is missing on the server")
                            % {"name": attachment.original_name}
                        )
                        continue
                    archive.writestr(f"{folder}/{attachments_folder}/{name}", data)
                    contents.append(f"    {attachments_folder}/{name}  {_sha256(data)}")
            yield sink.take()
        with translation.override(language):
            archive.writestr(
                f"{root}/{contents_name}",
                _table_of_contents(jury, stage, contents).encode("utf-8"),
            )
    yield sink.take()


def _sha256(data: bytes) -> str:
    return "SHA-256 " + hashlib.sha256(data).hexdigest()


def _table_of_contents(jury: Jury, stage: str, lines: list[str]) -> str:
    count = sum(1 for line in lines if not line.startswith(" "))
    head = [
        _round_title(jury, stage),
        _("Printed for %(who)s on %(when)s. Confidential: for the jury only.")
        % {
            "who": jury.user.get_full_name() or jury.user.email,
            "when": dates.moment(timezone.now()),
        },
        _("Candidacies: %(count)s") % {"count": count},
        "",
    ]
    return "\r\n".join(head + lines) + "\r\n"

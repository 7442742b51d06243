"""The organiser's CSV exports of an edition's field: UTF-8 with BOM and `;`, as Swedish
spreadsheet programs expect."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Candidacy, Nomination


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def _when(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""  # type: ignore[arg-type]


def nominations_csv(nominations: Iterable[Nomination]) -> str:
    header = [
        _("Municipality code"),
        _("Municipality"),
        _("County"),
        _("Candidacy"),
        _("Status"),
        _("Submitted"),
        _("Confirmed"),
        _("Nominator"),
        _("E-mail"),
        _("Organisation"),
        _("What is the municipality most proud of?"),
        _("What effect has it had?"),
        _("What has been learned?"),
        _("Reason for rejection"),
    ]
    rows = (
        [
            n.municipality.code,
            n.municipality.name,
            n.municipality.county.name,
            str(n.candidacy_id or ""),
            str(n.get_status_display()),
            _when(n.submitted_at),
            _when(n.confirmed_at),
            n.nominator_name,
            n.nominator_email,
            n.nominator_organisation,
            n.proud,
            n.effect,
            n.learned,
            n.rejected_reason,
        ]
        for n in nominations
    )
    return _csv(header, rows)


def candidacies_csv(candidacies: Iterable[Candidacy]) -> str:
    header = [
        _("Candidacy"),
        _("Municipalities"),
        _("Municipality codes"),
        _("Counties"),
        _("Confirmed nominations"),
        _("Stage"),
        _("Answer"),
        _("Own answers"),
        _("Attachments"),
    ]
    rows = (
        [
            str(c.pk),
            c.name,
            ",".join(m.code for m in c.municipalities),
            ",".join(dict.fromkeys(m.county.name for m in c.municipalities)),
            str(getattr(c, "nomination_count", "")),
            str(c.get_stage_display()),
            str(c.get_response_display()),
            _("yes") if c.has_contribution else _("no"),
            str(len(c.attachments.all())),
        ]
        for c in candidacies
    )
    return _csv(header, rows)

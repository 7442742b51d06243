"""The organiser's CSV exports of an edition's field (kommunpris.spreadsheets: UTF-8 with BOM
and `;`, formulas neutralised), and a nominator's copy of their own data (JSON)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.spreadsheets import csv_lines

from .models import Candidacy, Nomination, NominationQuestion
from .questions import answered
from .selectors import PersonalData


def _when(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""  # type: ignore[arg-type]


def nominations_csv(
    nominations: Iterable[Nomination], questions: Sequence[NominationQuestion]
) -> Iterator[str]:
    """The nominations as CSV lines (kommunpris.spreadsheets), one per nomination, as read, with
    a column per question of the edition (headed by the question) in the questions' order."""
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
        *(q.text for q in questions),
        _("Reason for rejection"),
    ]
    rows = (
        [
            n.municipality.code,
            n.municipality.name,
            n.municipality.county.name,
            n.candidacy_id,
            str(n.get_status_display()),
            _when(n.submitted_at),
            _when(n.confirmed_at),
            n.nominator_name,
            n.nominator_email,
            n.nominator_organisation,
            *(n.answers.get(q.key, "") for q in questions),
            n.rejected_reason,
        ]
        for n in nominations
    )
    return csv_lines(header, rows)


def candidacies_csv(
    candidacies: Iterable[Candidacy], questions: Sequence[NominationQuestion]
) -> Iterator[str]:
    """The candidacies as CSV lines (kommunpris.spreadsheets), one per candidacy, as read, with
    the municipality's own answer to each question of the edition (headed by the question)."""
    header = [
        _("Candidacy"),
        _("Municipalities"),
        _("Municipality codes"),
        _("Counties"),
        _("Confirmed nominations"),
        _("Stage"),
        _("Answer"),
        _("Own answers"),
        *(_("Own answer: %(question)s") % {"question": q.text} for q in questions),
        _("Attachments"),
    ]
    rows = (
        [
            c.pk,
            c.name,
            ",".join(m.code for m in c.municipalities),
            ",".join(dict.fromkeys(m.county.name for m in c.municipalities)),
            getattr(c, "nomination_count", None),
            str(c.get_stage_display()),
            str(c.get_response_display()),
            _("yes") if c.has_contribution else _("no"),
            *(c.own_answers.get(q.key, "") for q in questions),
            len(c.attachments.all()),
        ]
        for c in candidacies
    )
    return csv_lines(header, rows)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _answers_copy(
    answers: dict[str, str], questions: Sequence[NominationQuestion]
) -> list[dict[str, str]]:
    return [
        {"question": row.label, "question_key": row.key, "answer": row.text}
        for row in answered(questions, answers)
    ]


def _nomination_copy(n: Nomination, questions: Sequence[NominationQuestion]) -> dict[str, Any]:
    return {
        "id": n.pk,
        "edition": {
            "award": n.edition.award.slug,
            "year": n.edition.year,
            "title": n.edition.title,
        },
        "municipality": {"code": n.municipality.code, "name": n.municipality.name},
        "answers": _answers_copy(n.answers, questions),
        "name": n.nominator_name,
        "email": n.nominator_email,
        "organisation": n.nominator_organisation,
        "language": n.language,
        "status": n.status,
        "submitted_at": _iso(n.submitted_at),
        "agreed_to_privacy_notice_at": _iso(n.consented_at),
        "confirmed_at": _iso(n.confirmed_at),
        "rejected_at": _iso(n.rejected_at),
        "rejection_reason": n.rejected_reason,
        "unconfirmed_changes": [
            {
                "submitted_at": _iso(r.submitted_at),
                "name": r.nominator_name,
                "organisation": r.nominator_organisation,
                "language": r.language,
                "answers": _answers_copy(r.answers, questions),
            }
            for r in n.revisions.all()
        ],
    }


def personal_data_copy(data: PersonalData, *, now: datetime) -> dict[str, Any]:
    """Everything the page lists about a nominator's address, for a program to read: codes
    rather than translated labels, times in UTC (ISO 8601)."""
    return {
        "email": data.email,
        "exported_at": _iso(now),
        "nominations": [_nomination_copy(n, data.questions_of(n)) for n in data.nominations],
        "emails_sent_to_you": [
            {
                "queued_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
                "subject": m.subject,
                "language": m.language,
            }
            for m in data.mails
        ],
    }

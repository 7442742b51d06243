"""Writes to the archive: importing the winners page and the finalists of earlier editions.

Every import is all-or-nothing: the whole file is checked first, every problem is reported
with its line number, and nothing is written unless there are none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import (
    SYSTEM,
    Action,
    actor_label,
    award_target,
    candidacy_target,
    edition_key_target,
)
from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.awards.services import Actor, get_or_create_announced_edition
from kommunpris.errors import NotAllowed
from kommunpris.nominations.models import Candidacy, CandidacyMember, Stage
from kommunpris.permissions.awards import may_manage_editions
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolver

from .announcement import AnnouncedWinner, Announcement, AnnouncementError, LineError, decode, parse
from .models import ArchivePage, Winner, WinnerMunicipality

_TITLE_MAX = ArchivePage._meta.get_field("title").max_length or 0
_DISPLAY_NAME_MAX = Winner._meta.get_field("display_name").max_length or 0
_SOURCE_MAX = Candidacy._meta.get_field("source_url").max_length or 0


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _validate_winners(
    announcement: Announcement, *, award: Award, allow_off_cadence: bool
) -> list[tuple[AnnouncedWinner, list[str]]]:
    """Each winner with its municipalities' codes (several for a joint win); raises
    AnnouncementError listing every problem."""
    errors: list[LineError] = []
    names = {n.name: n.from_year for n in award.names.all()}
    municipalities = resolver()
    seen: dict[int, int] = {}
    resolved: list[tuple[AnnouncedWinner, list[str]]] = []
    live_years = set(
        Edition.objects.filter(award=award)
        .exclude(phase=Phase.ANNOUNCED)
        .values_list("year", flat=True)
    )
    for w in announcement.winners:
        if w.award_name not in names:
            errors.append(
                LineError(
                    w.line,
                    _("Unknown award '%(written)s'. The award is called %(names)s.")
                    % {
                        "written": w.award_name,
                        "names": _(" or ").join(f"'{n}'" for n in names),
                    },
                )
            )
        elif award.name_in(w.year) != w.award_name:
            errors.append(
                LineError(
                    w.line,
                    _(
                        "The award was called '%(name)s' in %(year)s, not '%(written)s'. "
                        "Write '%(name)s %(year)s'."
                    )
                    % {"name": award.name_in(w.year), "year": w.year, "written": w.award_name},
                )
            )
        if w.year in seen:
            errors.append(
                LineError(
                    w.line,
                    _("The year %(year)s appears twice (also on line %(line)s). Remove one.")
                    % {"year": w.year, "line": seen[w.year]},
                )
            )
        else:
            seen[w.year] = w.line
        if not allow_off_cadence and not award.is_on_cadence(w.year):
            errors.append(
                LineError(
                    w.line,
                    _(
                        "The year %(year)s does not fit the award's rhythm (every %(n)sth year "
                        "from %(founded)s). Correct the year, or import with "
                        "--allow-off-cadence if it belongs all the same."
                    )
                    % {"year": w.year, "n": award.cadence_years, "founded": award.founded_year},
                )
            )
        if w.year in live_years:
            errors.append(
                LineError(
                    w.line,
                    _(
                        "The edition %(year)s is under way on the platform; its winner is "
                        "chosen by the jury, not by import. Remove the block for %(year)s."
                    )
                    % {"year": w.year},
                )
            )
        if len(w.display_name) > _DISPLAY_NAME_MAX:
            errors.append(
                LineError(
                    w.line,
                    _(
                        "The municipality's name is %(length)s characters long; at most %(max)s "
                        "fit. Write the name as the municipality writes it itself."
                    )
                    % {"length": len(w.display_name), "max": _DISPLAY_NAME_MAX},
                )
            )
            continue
        try:
            matches = municipalities.resolve_all(w.display_name)
        except MunicipalityNotFound as exc:
            errors.append(LineError(w.line, exc.message))
        else:
            resolved.append((w, [m.code for m in matches]))
    if len(announcement.title) > _TITLE_MAX:
        # Checked here, not left to the database: SQLite would store it, PostgreSQL refuse it.
        errors.append(
            LineError(
                0,
                _(
                    "The page's heading (the first line) is %(length)s characters long; at most "
                    "%(max)s fit. Shorten the heading and put the rest in the introduction."
                )
                % {"length": len(announcement.title), "max": _TITLE_MAX},
            )
        )
    if errors:
        raise AnnouncementError(sorted(errors, key=lambda e: e.line))
    return resolved


def set_winner_members(winner: Winner, codes: list[str]) -> None:
    """The winner's municipalities become `codes`, in that order (inside the caller's
    transaction, which records the audit event)."""
    WinnerMunicipality.objects.filter(winner=winner).delete()
    WinnerMunicipality.objects.bulk_create(
        WinnerMunicipality(winner=winner, municipality_id=code, position=position)
        for position, code in enumerate(codes)
    )


def read_announcement(data: bytes | str) -> Announcement:
    text = decode(data) if isinstance(data, bytes) else data
    return parse(text)


def _check_may_import(actor: Actor) -> None:
    if not may_manage_editions(actor):
        raise NotAllowed(_("Only the award's organisers import into the archive."))


def import_winners(
    *, data: bytes | str, award: Award, allow_off_cadence: bool = False, actor: Actor = SYSTEM
) -> ImportResult:
    """Import a winners page; raises AnnouncementError and writes nothing if anything is wrong."""
    _check_may_import(actor)
    announcement = read_announcement(data)
    resolved = _validate_winners(announcement, award=award, allow_off_cadence=allow_off_cadence)
    created = updated = unchanged = 0
    with transaction.atomic():
        page = ArchivePage.objects.filter(award=award).first()
        if page is None:
            ArchivePage.objects.create(
                award=award, title=announcement.title, intro=announcement.intro
            )
            record_event(
                action=Action.ARCHIVE_PAGE_CREATED,
                actor=actor_label(actor),
                target=award_target(award),
                after={"title": announcement.title, "intro": announcement.intro},
            )
        elif (page.title, page.intro) != (announcement.title, announcement.intro):
            before = {"title": page.title, "intro": page.intro}
            page.title, page.intro = announcement.title, announcement.intro
            page.save(update_fields=["title", "intro"])
            record_event(
                action=Action.ARCHIVE_PAGE_UPDATED,
                actor=actor_label(actor),
                target=award_target(award),
                before=before,
                after={"title": page.title, "intro": page.intro},
            )
        for w, codes in resolved:
            edition, _created = get_or_create_announced_edition(
                award=award, year=w.year, actor=actor
            )
            wanted: dict[str, object] = {
                "municipalities": codes,
                "display_name": w.display_name,
                "motivation": w.motivation,
                "opening_quote": w.opening_quote,
                "closing_quote": w.closing_quote,
            }
            fields = {k: v for k, v in wanted.items() if k != "municipalities"}
            current = Winner.objects.filter(edition=edition).prefetch_related("members").first()
            if current is None:
                set_winner_members(Winner.objects.create(edition=edition, **fields), codes)
                created += 1
                record_event(
                    action=Action.ARCHIVE_WINNER_IMPORTED,
                    actor=actor_label(actor),
                    target=edition_key_target(award_slug=award.slug, year=w.year),
                    after=wanted,
                )
                continue
            before = {"municipalities": current.codes} | {k: getattr(current, k) for k in fields}
            if before == wanted:
                unchanged += 1
                continue
            for key, value in fields.items():
                setattr(current, key, value)
            current.save(update_fields=list(fields))
            if current.codes != codes:
                set_winner_members(current, codes)
            updated += 1
            record_event(
                action=Action.ARCHIVE_WINNER_UPDATED,
                actor=actor_label(actor),
                target=edition_key_target(award_slug=award.slug, year=w.year),
                before=before,
                after=wanted,
            )
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


FINALIST_COLUMNS = ["year", "stage", "municipalities", "source"]
_CSV_STAGES = {"finalist": Stage.FINALIST, "nominee": Stage.NOMINEE}


@dataclass(frozen=True)
class _FinalistRow:
    line: int
    year: int
    stage: Stage
    codes: tuple[str, ...]
    source: str


def _read_finalist_rows(data: bytes | str, *, award: Award) -> list[_FinalistRow]:
    text = decode(data) if isinstance(data, bytes) else data
    # newline="" lets the csv module see \r and \r\n line ends itself, as it requires.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise AnnouncementError(
            [
                LineError(
                    reader.line_num,
                    _(
                        "The line cannot be read as CSV (%(error)s). Save the file as CSV with "
                        "commas, and quotation marks around fields that hold line breaks."
                    )
                    % {"error": exc},
                )
            ]
        ) from None
    errors: list[LineError] = []
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if header != FINALIST_COLUMNS:
        raise AnnouncementError(
            [
                LineError(
                    1,
                    _("The first line must be the column names '%(wanted)s', not '%(found)s'.")
                    % {"wanted": ",".join(FINALIST_COLUMNS), "found": ",".join(header)},
                )
            ]
        )
    editions = set(Edition.objects.filter(award=award).values_list("year", flat=True))
    municipalities = resolver()
    parsed: list[_FinalistRow] = []
    owner: dict[tuple[int, str], tuple[int, tuple[str, ...]]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(FINALIST_COLUMNS):
            errors.append(
                LineError(
                    number,
                    _("The line has %(found)s fields, it should have %(wanted)s.")
                    % {"found": len(row), "wanted": len(FINALIST_COLUMNS)},
                )
            )
            continue
        year_text, stage_text, names_text, source = (cell.strip() for cell in row)
        if len(source) > _SOURCE_MAX:
            errors.append(
                LineError(
                    number,
                    _(
                        "The source is %(length)s characters long; at most %(max)s fit. Give "
                        "the page's address without extra parameters."
                    )
                    % {"length": len(source), "max": _SOURCE_MAX},
                )
            )
            continue
        if not year_text.isdigit() or len(year_text) != 4:
            errors.append(
                LineError(
                    number,
                    _("'%(written)s' is no year. Write e.g. 2023.") % {"written": year_text},
                )
            )
            continue
        year = int(year_text)
        if year not in editions:
            errors.append(
                LineError(
                    number,
                    _(
                        "The edition %(year)s does not exist. Import the winners first "
                        "(kommunpris import_winners) or correct the year."
                    )
                    % {"year": year},
                )
            )
        if stage_text not in _CSV_STAGES:
            errors.append(
                LineError(
                    number,
                    _("Unknown stage '%(written)s'. Write 'finalist' or 'nominee'.")
                    % {"written": stage_text},
                )
            )
            continue
        codes: list[str] = []
        for name in (n.strip() for n in names_text.split(";")):
            try:
                codes.append(municipalities.resolve(name).code)
            except MunicipalityNotFound as exc:
                errors.append(LineError(number, exc.message))
        if not codes or len(set(codes)) != len(codes):
            if codes:
                errors.append(
                    LineError(number, _("The same municipality appears twice in the line."))
                )
            continue
        key_codes = tuple(codes)
        for code in codes:
            earlier = owner.get((year, code))
            if earlier is not None and set(earlier[1]) != set(key_codes):
                errors.append(
                    LineError(
                        number,
                        _(
                            "The municipality %(code)s is already in another candidacy in "
                            "%(year)s (line %(line)s). A municipality can stand in one candidacy "
                            "per edition only."
                        )
                        % {"code": code, "year": year, "line": earlier[0]},
                    )
                )
            owner.setdefault((year, code), (number, key_codes))
        parsed.append(_FinalistRow(number, year, _CSV_STAGES[stage_text], key_codes, source))
    if errors:
        raise AnnouncementError(errors)
    return parsed


def import_finalists(*, data: bytes | str, award: Award, actor: Actor = SYSTEM) -> ImportResult:
    """Record earlier editions' nominees and finalists; all-or-nothing, idempotent."""
    _check_may_import(actor)
    rows = _read_finalist_rows(data, award=award)
    created = updated = unchanged = 0
    with transaction.atomic():
        editions = {e.year: e for e in Edition.objects.filter(award=award)}
        for row in rows:
            edition = editions[row.year]
            existing = (
                CandidacyMember.objects.filter(edition=edition, municipality_id__in=row.codes)
                .select_related("candidacy")
                .first()
            )
            if existing is not None:
                candidacy = existing.candidacy
                members = set(candidacy.members.values_list("municipality_id", flat=True))
                if members != set(row.codes):
                    raise AnnouncementError(
                        [
                            LineError(
                                row.line,
                                _(
                                    "The candidacy %(year)s with %(members)s exists already with "
                                    "other municipalities. Correct the line."
                                )
                                % {"year": row.year, "members": ", ".join(sorted(members))},
                            )
                        ]
                    )
                if Stage.rank(row.stage) > Stage.rank(candidacy.stage):
                    before = candidacy.stage
                    candidacy.stage = row.stage
                    candidacy.save(update_fields=["stage"])
                    updated += 1
                    record_event(
                        action=Action.CANDIDACY_STAGE_IMPORTED,
                        actor=actor_label(actor),
                        target=candidacy_target(candidacy),
                        before={"stage": before},
                        after={"stage": row.stage},
                    )
                else:
                    unchanged += 1
                continue
            candidacy = Candidacy.objects.create(
                edition=edition, stage=row.stage, source_url=row.source
            )
            for position, code in enumerate(row.codes):
                CandidacyMember.objects.create(
                    candidacy=candidacy, edition=edition, municipality_id=code, position=position
                )
            created += 1
            record_event(
                action=Action.CANDIDACY_IMPORTED,
                actor=actor_label(actor),
                target=candidacy_target(candidacy),
                after={"year": row.year, "stage": row.stage, "municipalities": list(row.codes)},
            )
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


CEREMONY_COLUMNS = ["year", "ceremony_date", "source"]


@transaction.atomic
def record_known_ceremonies(*, data: bytes | str, award: Award, actor: Actor = SYSTEM) -> int:
    """Set the ceremony day of historical editions from a `year,ceremony_date,source` file."""
    _check_may_import(actor)
    text = decode(data) if isinstance(data, bytes) else data
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    changed = 0
    for row in rows:
        edition = Edition.objects.filter(award=award, year=int(row["year"])).first()
        if edition is None:
            continue
        day = date.fromisoformat(row["ceremony_date"])
        at = timezone.make_aware(datetime.combine(day, time(12, 0)))
        if edition.ceremony_at == at and edition.ceremony_date_only:
            continue
        before = {"ceremony_at": edition.ceremony_at}
        edition.ceremony_at, edition.ceremony_date_only = at, True
        edition.save(update_fields=["ceremony_at", "ceremony_date_only"])
        record_event(
            action=Action.EDITION_CEREMONY_RECORDED,
            actor=actor_label(actor),
            target=edition_key_target(award_slug=award.slug, year=edition.year),
            before=before,
            after={"ceremony_at": at, "source": row.get("source", "")},
        )
        changed += 1
    return changed

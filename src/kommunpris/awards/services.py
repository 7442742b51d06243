"""Writes to awards and editions."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from kommunpris import dates
from kommunpris.audit.services import record_event

from .defaults import DIGITALISERINGSKOMMUN, AwardDefinition
from .models import Award, AwardName, Edition, Phase


@transaction.atomic
def ensure_award(
    definition: AwardDefinition = DIGITALISERINGSKOMMUN, *, actor: str = "system"
) -> Award:
    """Create the award and its name history if missing; an existing award is left as it is."""
    existing = Award.objects.filter(slug=definition.slug).first()
    if existing is not None:
        return existing
    is_default = not Award.objects.filter(is_default=True).exists()
    award = Award.objects.create(
        slug=definition.slug,
        founded_year=definition.founded_year,
        cadence_years=definition.cadence_years,
        venue=definition.venue,
        organiser=definition.organiser,
        is_default=is_default,
    )
    for from_year, name in definition.names:
        AwardName.objects.create(award=award, name=name, from_year=from_year)
    record_event(
        action="award.created",
        actor=actor,
        target=f"award:{award.slug}",
        after={"names": [list(n) for n in definition.names], "venue": definition.venue},
    )
    return award


def get_or_create_announced_edition(award: Award, year: int, *, actor: str) -> tuple[Edition, bool]:
    """A historical edition, already announced; used by the archive importers."""
    edition = Edition.objects.filter(award=award, year=year).first()
    if edition is not None:
        return edition, False
    edition = Edition.objects.create(
        award=award, year=year, phase=Phase.ANNOUNCED, venue=award.venue
    )
    record_event(
        action="edition.imported",
        actor=actor,
        target=f"edition:{award.slug}:{year}",
        after={"phase": edition.phase},
    )
    return edition, True


def lock_edition(edition: Edition) -> Edition:
    """Re-read the edition and lock its row until the surrounding transaction ends.

    Call inside transaction.atomic(), before checking the phase: a second request that wants
    to change the same edition waits here and then sees the first one's outcome, so a double
    click or two tabs cannot both pass a phase guard. (SQLite has no row locks; there every
    write transaction takes the database's write lock when it begins, which serialises them.)
    """
    edition.refresh_from_db(from_queryset=Edition.objects.select_for_update())
    return edition


class EditionError(ValueError):
    """An edition cannot be created or change phase; the message says why and what to do."""


class OffCadence(EditionError):
    """The year is off the award's cadence: an explicit exception is needed. The message names
    no way of making one; each caller names its own (a checkbox, a command-line option)."""


def _edition_target(edition: Edition) -> str:
    return f"edition:{edition.award.slug}:{edition.year}"


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None


def _dates(edition: Edition) -> dict[str, object]:
    """The edition's times for the audit log, in UTC as they are stored."""
    return {
        "nominations_close_at": _utc(edition.nominations_close_at),
        "supplement_close_at": _utc(edition.supplement_close_at),
        "ceremony_at": _utc(edition.ceremony_at),
        "publish_at": _utc(edition.publish_at),
    }


def _local(moment: datetime) -> str:
    return dates.moment(moment, swedish=True)


def _check_dates(
    *,
    year: int,
    nominations_close_at: datetime,
    supplement_close_at: datetime,
    ceremony_at: datetime,
) -> None:
    for moment in (nominations_close_at, supplement_close_at, ceremony_at):
        if timezone.is_naive(moment):
            raise EditionError("Tider måste ha en tidszon (de lagras i UTC).")
    if supplement_close_at < nominations_close_at:
        raise EditionError(
            f"Sista dag för kommunernas komplettering ({_local(supplement_close_at)}) ligger före "
            f"sista dag för nomineringar ({_local(nominations_close_at)}). "
            "Välj en kompletteringsfrist efter nomineringsfristen."
        )
    if ceremony_at < supplement_close_at:
        raise EditionError(
            f"Galan ({_local(ceremony_at)}) ligger före kompletteringsfristen "
            f"({_local(supplement_close_at)}). Välj en galadag efter fristerna."
        )
    if not 1900 <= year <= 2999:
        raise EditionError(f"Året {year} är inte rimligt. Ange ett årtal som 2027.")


def _check_cadence(award: Award, year: int, *, allow_off_cadence: bool) -> None:
    if award.is_on_cadence(year) or allow_off_cadence:
        return
    every = {1: "varje år", 2: "vartannat år"}.get(
        award.cadence_years, f"vart {award.cadence_years}:e år"
    )
    raise OffCadence(
        f"{award.name_in(year)} delas ut {every} från {award.founded_year}; {year} hör inte dit. "
        "Välj ett år i ordningen, eller gör ett uttryckligt undantag."
    )


def create_edition(
    *,
    award: Award,
    year: int,
    nominations_close_at: datetime,
    supplement_close_at: datetime,
    ceremony_at: datetime,
    venue: str | None = None,
    allow_off_cadence: bool = False,
    actor: str,
) -> Edition:
    """A new edition in draft; a year off the award's cadence needs `allow_off_cadence`."""
    _check_dates(
        year=year,
        nominations_close_at=nominations_close_at,
        supplement_close_at=supplement_close_at,
        ceremony_at=ceremony_at,
    )
    _check_cadence(award, year, allow_off_cadence=allow_off_cadence)
    with transaction.atomic():
        if Edition.objects.filter(award=award, year=year).exists():
            raise EditionError(
                f"{award.name_in(year)} {year} finns redan. "
                "Ändra den befintliga upplagan i stället."
            )
        edition = Edition.objects.create(
            award=award,
            year=year,
            phase=Phase.DRAFT,
            nominations_close_at=nominations_close_at,
            supplement_close_at=supplement_close_at,
            ceremony_at=ceremony_at,
            publish_at=ceremony_at,
            venue=award.venue if venue is None else venue,
        )
        record_event(
            action="edition.created",
            actor=actor,
            target=_edition_target(edition),
            before=None,
            after={
                "phase": edition.phase,
                "venue": edition.venue,
                "off_cadence": not award.is_on_cadence(year),
                **_dates(edition),
            },
        )
    return edition


# Until the jury's work begins the deadlines may move; the gala and its venue until the decision
# is public (the gala can move, as in 2021–2022). After that the edition is history.
DEADLINE_PHASES = (Phase.DRAFT, Phase.NOMINATIONS_OPEN, Phase.NOMINATIONS_CLOSED)
CEREMONY_PHASES = (*DEADLINE_PHASES, Phase.JURY_REVIEW, Phase.DELIBERATION, Phase.DECIDED)
VENUE_MAX_LENGTH = 200


def _field_record(edition: Edition, fields: list[str]) -> dict[str, object]:
    values = {**_dates(edition), "venue": edition.venue}
    return {name: values[name] for name in fields}


def change_edition(
    edition: Edition,
    *,
    actor: str,
    nominations_close_at: datetime | None = None,
    supplement_close_at: datetime | None = None,
    ceremony_at: datetime | None = None,
    venue: str | None = None,
) -> Edition:
    """Change an edition's deadlines, gala and venue (None: leave as it is), while its phase
    allows: deadlines until the jury's work begins, the gala and venue until the edition is
    announced. While the decision is not yet made, the publication follows the gala as it did.

    One audit event, `edition.changed`, names only what changed; nothing changed, no event.
    """
    with transaction.atomic():
        edition = lock_edition(edition)
        title = edition.title
        wanted = {
            "nominations_close_at": nominations_close_at or edition.nominations_close_at,
            "supplement_close_at": supplement_close_at or edition.supplement_close_at,
            "ceremony_at": ceremony_at or edition.ceremony_at,
            "venue": edition.venue if venue is None else " ".join(venue.split()),
        }
        changed = [name for name, value in wanted.items() if getattr(edition, name) != value]
        if not changed:
            return edition
        deadlines = {"nominations_close_at", "supplement_close_at"}
        if deadlines & set(changed) and edition.phase not in DEADLINE_PHASES:
            raise EditionError(
                f"Juryns arbete med {title} har börjat; fristerna för nomineringar och "
                "kommunernas komplettering kan inte längre ändras."
            )
        if edition.phase not in CEREMONY_PHASES:
            raise EditionError(f"{title} är tillkännagiven; galan och platsen ligger fast.")
        if len(wanted["venue"]) > VENUE_MAX_LENGTH:  # type: ignore[arg-type]
            raise EditionError(f"Platsen får vara högst {VENUE_MAX_LENGTH} tecken.")
        moments = [wanted[name] for name in ("nominations_close_at", "supplement_close_at")]
        if None in moments or wanted["ceremony_at"] is None:
            raise EditionError(
                f"Ange sista dag för nomineringar, kompletteringen och galan för {title}."
            )
        _check_dates(
            year=edition.year,
            nominations_close_at=wanted["nominations_close_at"],  # type: ignore[arg-type]
            supplement_close_at=wanted["supplement_close_at"],  # type: ignore[arg-type]
            ceremony_at=wanted["ceremony_at"],  # type: ignore[arg-type]
        )
        follows_gala = edition.phase not in (Phase.DECIDED, Phase.ANNOUNCED) and (
            edition.publish_at is None or edition.publish_at == edition.ceremony_at
        )
        fields = list(changed)
        if "ceremony_at" in changed and follows_gala:
            fields.append("publish_at")
        before = _field_record(edition, fields)
        for name in changed:
            setattr(edition, name, wanted[name])
        if "publish_at" in fields:
            edition.publish_at = edition.ceremony_at
        edition.save(update_fields=fields)
        record_event(
            action="edition.changed",
            actor=actor,
            target=_edition_target(edition),
            before=before,
            after=_field_record(edition, fields),
        )
    return edition


def _title(edition: Edition) -> str:
    return f"{edition.award.name_in(edition.year)} {edition.year}"


def open_nominations(
    edition: Edition,
    *,
    actor: str,
    allow_off_cadence: bool = False,
    now: datetime | None = None,
) -> Edition:
    """draft → nominations_open: only once, only before the deadline, only on the cadence."""
    now = now or timezone.now()
    with transaction.atomic():
        edition = lock_edition(edition)
        title = _title(edition)
        if edition.phase == Phase.NOMINATIONS_OPEN:
            raise EditionError(f"Nomineringen till {title} är redan öppen.")
        if edition.phase == Phase.NOMINATIONS_CLOSED:
            raise EditionError(
                f"Nomineringen till {title} har redan varit öppen och är stängd. Öppna den igen "
                "i stället (det går till sista dag för nomineringar)."
            )
        if edition.phase != Phase.DRAFT:
            raise EditionError(
                f"Juryns arbete med {title} har börjat; nomineringen kan inte öppnas igen."
            )
        if edition.nominations_close_at is None:
            raise EditionError(f"{title} har ingen sista dag för nomineringar. Ange en först.")
        if edition.nominations_close_at <= now:
            raise EditionError(
                f"Sista dag för nomineringar till {title} ({_local(edition.nominations_close_at)}) "
                "har redan passerat. Flytta fristen framåt innan nomineringen öppnas."
            )
        _check_cadence(edition.award, edition.year, allow_off_cadence=allow_off_cadence)
        edition.phase = Phase.NOMINATIONS_OPEN
        edition.save(update_fields=["phase"])
        record_event(
            action="edition.nominations_opened",
            actor=actor,
            target=_edition_target(edition),
            before={"phase": Phase.DRAFT},
            after={
                "phase": edition.phase,
                "nominations_close_at": _utc(edition.nominations_close_at),
            },
        )
    return edition


def check_close_nominations(edition: Edition) -> None:
    """Raises EditionError saying why the call cannot be closed now; returns if it can."""
    title = _title(edition)
    if edition.phase == Phase.DRAFT:
        raise EditionError(f"Nomineringen till {title} har inte öppnats och kan inte stängas.")
    if edition.phase != Phase.NOMINATIONS_OPEN:
        raise EditionError(f"Nomineringen till {title} är redan stängd.")


def close_nominations(edition: Edition, *, actor: str) -> Edition:
    """nominations_open → nominations_closed (the form stops taking nominations at the deadline
    anyway; this records that the call is over and lets the organiser end it early). Until the
    deadline it can be opened again (reopen_nominations)."""
    with transaction.atomic():
        edition = lock_edition(edition)
        check_close_nominations(edition)
        edition.phase = Phase.NOMINATIONS_CLOSED
        edition.save(update_fields=["phase"])
        record_event(
            action="edition.nominations_closed",
            actor=actor,
            target=_edition_target(edition),
            before={"phase": Phase.NOMINATIONS_OPEN},
            after={"phase": edition.phase},
        )
    return edition


def check_reopen_nominations(edition: Edition, *, now: datetime | None = None) -> None:
    """Raises EditionError saying why the call cannot open again now; returns if it can."""
    now = now or timezone.now()
    title = _title(edition)
    if edition.phase == Phase.NOMINATIONS_OPEN:
        raise EditionError(f"Nomineringen till {title} är redan öppen.")
    if edition.phase == Phase.DRAFT:
        raise EditionError(f"Nomineringen till {title} har inte öppnats än; öppna den i stället.")
    if edition.phase != Phase.NOMINATIONS_CLOSED:
        raise EditionError(
            f"Juryns arbete med {title} har börjat; nomineringen kan inte öppnas igen."
        )
    if edition.nominations_close_at is None or edition.nominations_close_at <= now:
        when = _local(edition.nominations_close_at) if edition.nominations_close_at else "–"
        raise EditionError(
            f"Sista dag för nomineringar till {title} ({when}) har passerat. Flytta fristen "
            "framåt (Ändra datum och plats) innan nomineringen öppnas igen."
        )


def reopen_nominations(edition: Edition, *, actor: str, now: datetime | None = None) -> Edition:
    """nominations_closed → nominations_open, for a call closed before its published deadline:
    the form takes nominations again until that deadline."""
    with transaction.atomic():
        edition = lock_edition(edition)
        check_reopen_nominations(edition, now=now)
        edition.phase = Phase.NOMINATIONS_OPEN
        edition.save(update_fields=["phase"])
        record_event(
            action="edition.nominations_reopened",
            actor=actor,
            target=_edition_target(edition),
            before={"phase": Phase.NOMINATIONS_CLOSED},
            after={
                "phase": edition.phase,
                "nominations_close_at": _utc(edition.nominations_close_at),
            },
        )
    return edition

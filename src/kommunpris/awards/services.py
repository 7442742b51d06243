"""Writes to awards and editions."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kommunpris import dates, errors
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import (
    SYSTEM,
    Action,
    MachineActor,
    actor_label,
    award_target,
    edition_key_target,
    edition_target,
)
from kommunpris.permissions.awards import may_manage_editions

from .defaults import DIGITALISERINGSKOMMUN, AwardDefinition
from .models import Award, AwardName, Edition, Phase

# Who changes awards and editions: an organiser, or the platform (command line, setup).
Actor = User | MachineActor


@transaction.atomic
def ensure_award(
    definition: AwardDefinition = DIGITALISERINGSKOMMUN, *, actor: Actor = SYSTEM
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
        action=Action.AWARD_CREATED,
        actor=actor_label(actor),
        target=award_target(award),
        after={"names": [list(n) for n in definition.names], "venue": definition.venue},
    )
    return award


def get_or_create_announced_edition(
    *, award: Award, year: int, actor: Actor
) -> tuple[Edition, bool]:
    """A historical edition, already announced; used by the archive importers."""
    edition = Edition.objects.filter(award=award, year=year).first()
    if edition is not None:
        return edition, False
    edition = Edition.objects.create(
        award=award, year=year, phase=Phase.ANNOUNCED, venue=award.venue
    )
    record_event(
        action=Action.EDITION_IMPORTED,
        actor=actor_label(actor),
        target=edition_key_target(award_slug=award.slug, year=year),
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


class EditionError(errors.Invalid, ValueError):
    """An edition cannot be created or change phase; the message says why and what to do."""


class OffCadence(EditionError):
    """The year is off the award's cadence: an explicit exception is needed. The message names
    no way of making one; each caller names its own (a checkbox, a command-line option)."""


class WrongPhase(EditionError, errors.Conflict):
    """Not in the edition's present phase (already open, closed, the jury has begun …)."""

    status = errors.Conflict.status


class EditionNotAllowed(EditionError, errors.NotAllowed):
    """Only organisers (and the command line) create editions and run the call."""

    status = errors.NotAllowed.status


def _check_may_manage(actor: Actor) -> None:
    if not may_manage_editions(actor):
        raise EditionNotAllowed(
            _("Only the award's organisers create editions and open or close the call.")
        )


# Refusals more than one service gives; translated when the refusal is made.
_ALREADY_OPEN = gettext_lazy("The call for %(title)s is open already.")
_JURY_HAS_BEGUN = gettext_lazy(
    "The jury's work on %(title)s has begun; the call cannot open again."
)


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
    return dates.moment(moment)


def _check_dates(
    *,
    year: int,
    nominations_close_at: datetime,
    supplement_close_at: datetime,
    ceremony_at: datetime,
) -> None:
    for moment in (nominations_close_at, supplement_close_at, ceremony_at):
        if timezone.is_naive(moment):
            raise EditionError(_("Times must have a time zone (they are stored in UTC)."))
    if supplement_close_at < nominations_close_at:
        raise EditionError(
            _(
                "The municipalities' supplement deadline (%(supplement)s) is before the "
                "nomination deadline (%(nominations)s). Choose a supplement deadline after the "
                "nomination deadline."
            )
            % {
                "supplement": _local(supplement_close_at),
                "nominations": _local(nominations_close_at),
            }
        )
    if ceremony_at < supplement_close_at:
        raise EditionError(
            _(
                "The gala (%(gala)s) is before the supplement deadline (%(supplement)s). "
                "Choose a gala day after the deadlines."
            )
            % {"gala": _local(ceremony_at), "supplement": _local(supplement_close_at)}
        )
    if not 1900 <= year <= 2999:
        raise EditionError(
            _("The year %(year)s is not plausible. Give a year such as 2027.") % {"year": year}
        )


def _check_cadence(award: Award, year: int, *, allow_off_cadence: bool) -> None:
    if award.is_on_cadence(year) or allow_off_cadence:
        return
    if award.cadence_years == 1:
        every = _("every year")
    elif award.cadence_years == 2:
        every = _("every other year")
    else:
        every = _("every %(n)sth year") % {"n": award.cadence_years}
    raise OffCadence(
        _(
            "%(award)s is given %(every)s from %(founded)s; %(year)s is not one of those years. "
            "Choose a year in the sequence, or make an explicit exception."
        )
        % {
            "award": award.name_in(year),
            "every": every,
            "founded": award.founded_year,
            "year": year,
        }
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
    actor: Actor,
) -> Edition:
    """A new edition in draft; a year off the award's cadence needs `allow_off_cadence`."""
    _check_may_manage(actor)
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
                _("%(award)s %(year)s exists already. Change the existing edition instead.")
                % {"award": award.name_in(year), "year": year}
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
            action=Action.EDITION_CREATED,
            actor=actor_label(actor),
            target=edition_target(edition),
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
    *,
    edition: Edition,
    actor: Actor,
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
    _check_may_manage(actor)
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
            raise WrongPhase(
                _(
                    "The jury's work on %(title)s has begun; the deadlines for nominations and "
                    "the municipalities' supplement can no longer change."
                )
                % {"title": title}
            )
        if edition.phase not in CEREMONY_PHASES:
            raise WrongPhase(
                _("%(title)s is announced; its gala and venue are fixed.") % {"title": title}
            )
        if len(wanted["venue"]) > VENUE_MAX_LENGTH:  # type: ignore[arg-type]
            raise EditionError(
                ngettext(
                    "The venue may be at most %(max)s character.",
                    "The venue may be at most %(max)s characters.",
                    VENUE_MAX_LENGTH,
                )
                % {"max": VENUE_MAX_LENGTH}
            )
        moments = [wanted[name] for name in ("nominations_close_at", "supplement_close_at")]
        if None in moments or wanted["ceremony_at"] is None:
            raise EditionError(
                _(
                    "Give the deadline for nominations, for the supplement and the gala "
                    "for %(title)s."
                )
                % {"title": title}
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
            action=Action.EDITION_CHANGED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after=_field_record(edition, fields),
        )
    return edition


def _title(edition: Edition) -> str:
    return f"{edition.award.name_in(edition.year)} {edition.year}"


def open_nominations(
    *,
    edition: Edition,
    actor: Actor,
    allow_off_cadence: bool = False,
    now: datetime | None = None,
) -> Edition:
    """draft → nominations_open: only once, only before the deadline, only on the cadence."""
    _check_may_manage(actor)
    now = now or timezone.now()
    with transaction.atomic():
        edition = lock_edition(edition)
        title = _title(edition)
        if edition.phase == Phase.NOMINATIONS_OPEN:
            raise WrongPhase(_ALREADY_OPEN % {"title": title})
        if edition.phase == Phase.NOMINATIONS_CLOSED:
            raise WrongPhase(
                _(
                    "The call for %(title)s has been open already and is closed. Reopen it "
                    "instead (that is possible until the nomination deadline)."
                )
                % {"title": title}
            )
        if edition.phase != Phase.DRAFT:
            raise WrongPhase(_JURY_HAS_BEGUN % {"title": title})
        if edition.nominations_close_at is None:
            raise EditionError(
                _("%(title)s has no nomination deadline. Give one first.") % {"title": title}
            )
        if edition.nominations_close_at <= now:
            raise EditionError(
                _(
                    "The nomination deadline for %(title)s (%(deadline)s) has passed already. "
                    "Move the deadline forward before the call opens."
                )
                % {"title": title, "deadline": _local(edition.nominations_close_at)}
            )
        _check_cadence(edition.award, edition.year, allow_off_cadence=allow_off_cadence)
        edition.phase = Phase.NOMINATIONS_OPEN
        edition.save(update_fields=["phase"])
        record_event(
            action=Action.EDITION_NOMINATIONS_OPENED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before={"phase": Phase.DRAFT},
            after={
                "phase": edition.phase,
                "nominations_close_at": _utc(edition.nominations_close_at),
            },
        )
    return edition


def check_close_nominations(*, edition: Edition) -> None:
    """Raises EditionError saying why the call cannot be closed now; returns if it can."""
    title = _title(edition)
    if edition.phase == Phase.DRAFT:
        raise WrongPhase(
            _("The call for %(title)s has not been opened and cannot be closed.") % {"title": title}
        )
    if edition.phase != Phase.NOMINATIONS_OPEN:
        raise WrongPhase(_("The call for %(title)s is closed already.") % {"title": title})


def close_nominations(*, edition: Edition, actor: Actor) -> Edition:
    """nominations_open → nominations_closed (the form stops taking nominations at the deadline
    anyway; this records that the call is over and lets the organiser end it early). Until the
    deadline it can be opened again (reopen_nominations)."""
    _check_may_manage(actor)
    with transaction.atomic():
        edition = lock_edition(edition)
        check_close_nominations(edition=edition)
        edition.phase = Phase.NOMINATIONS_CLOSED
        edition.save(update_fields=["phase"])
        record_event(
            action=Action.EDITION_NOMINATIONS_CLOSED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before={"phase": Phase.NOMINATIONS_OPEN},
            after={"phase": edition.phase},
        )
    return edition


def check_reopen_nominations(*, edition: Edition, now: datetime | None = None) -> None:
    """Raises EditionError saying why the call cannot open again now; returns if it can."""
    now = now or timezone.now()
    title = _title(edition)
    if edition.phase == Phase.NOMINATIONS_OPEN:
        raise WrongPhase(_ALREADY_OPEN % {"title": title})
    if edition.phase == Phase.DRAFT:
        raise WrongPhase(
            _("The call for %(title)s has not been opened yet; open it instead.") % {"title": title}
        )
    if edition.phase != Phase.NOMINATIONS_CLOSED:
        raise WrongPhase(_JURY_HAS_BEGUN % {"title": title})
    if edition.nominations_close_at is None or edition.nominations_close_at <= now:
        when = _local(edition.nominations_close_at) if edition.nominations_close_at else "–"
        raise WrongPhase(
            _(
                "The nomination deadline for %(title)s (%(deadline)s) has passed. Move the "
                "deadline forward (Change dates and venue) before the call opens again."
            )
            % {"title": title, "deadline": when}
        )


def reopen_nominations(*, edition: Edition, actor: Actor, now: datetime | None = None) -> Edition:
    """nominations_closed → nominations_open, for a call closed before its published deadline:
    the form takes nominations again until that deadline."""
    _check_may_manage(actor)
    with transaction.atomic():
        edition = lock_edition(edition)
        check_reopen_nominations(edition=edition, now=now)
        edition.phase = Phase.NOMINATIONS_OPEN
        edition.save(update_fields=["phase"])
        record_event(
            action=Action.EDITION_NOMINATIONS_REOPENED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before={"phase": Phase.NOMINATIONS_CLOSED},
            after={
                "phase": edition.phase,
                "nominations_close_at": _utc(edition.nominations_close_at),
            },
        )
    return edition

"""The optional step for nominees: the organiser sets an edition's self-assessment rubric (or
drops it) until the first nominee has filled it in; a nominee's contact fills it in and may
change it until the rubric's last moment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris import dates
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, candidacy_target, edition_target
from kommunpris.awards.models import Edition, Phase
from kommunpris.awards.services import lock_edition
from kommunpris.permissions.nominations import (
    NOMINEE_STAGES,
    SELF_ASSESSMENT_PHASES,
    contact_speaks_for,
    self_assessment_is_open,
)

from ..errors import (
    CallError,
    CallFrozen,
    ContributionError,
    NotYourCandidacy,
    SelfAssessmentClosed,
)
from ..models import (
    Candidacy,
    SelfAssessment,
    SelfAssessmentArea,
    SelfAssessmentLevel,
    SelfAssessmentRubric,
)
from ..self_assessment import COMMENT_MAX_LENGTH, LEVEL_COUNTS, MAX_AREAS, rubric_of
from ._common import Actor, check_organiser
from .contributions import _contact_of

# The rubric may be set until the jury's work ends (nominees fill it in during it).
RUBRIC_PHASES = (
    Phase.DRAFT,
    Phase.NOMINATIONS_OPEN,
    Phase.NOMINATIONS_CLOSED,
    *SELF_ASSESSMENT_PHASES,
)


@dataclass(frozen=True)
class AreaText:
    """One area as the organiser writes it; `key` keeps an existing area's name."""

    name_sv: str
    name_en: str = ""
    description_sv: str = ""
    description_en: str = ""
    key: str = ""


@dataclass(frozen=True)
class LevelText:
    """One step of the scale, lowest first."""

    label_sv: str
    label_en: str = ""


def _rubric_summary(rubric: SelfAssessmentRubric | None) -> dict[str, Any]:
    if rubric is None:
        return {}
    return {
        "areas": [{"key": a.key, "sv": a.name_sv, "en": a.name_en} for a in rubric.areas.all()],
        "levels": [{"value": v.value, "sv": v.label_sv} for v in rubric.levels.all()],
        "closes_at": rubric.closes_at.isoformat(),
    }


def check_rubric_may_change(edition: Edition, rubric: SelfAssessmentRubric | None) -> None:
    """Raises CallFrozen saying why the edition's self-assessment can no longer change."""
    if edition.phase not in RUBRIC_PHASES:
        raise CallFrozen(
            _("The jury's work on %(title)s is over, so its self-assessment can no longer change.")
            % {"title": edition.title}
        )
    if rubric is not None and rubric.frozen_at is not None:
        raise CallFrozen(
            _(
                "The self-assessment of %(title)s can no longer change: the first nominee "
                "filled it in %(when)s, and every answer keeps the area and level it was given "
                "to. You can still move its last day."
            )
            % {"title": edition.title, "when": dates.moment(rubric.frozen_at)}
        )


def _check_closing(closes_at: datetime, *, now: datetime) -> None:
    if closes_at <= now:
        raise CallError(
            _("The last day for the self-assessment (%(when)s) has passed. Choose a later day.")
            % {"when": dates.moment(closes_at)}
        )


def _clean(value: str) -> str:
    return " ".join(value.split())


def _checked_areas(areas: Sequence[AreaText]) -> list[AreaText]:
    if not areas:
        raise CallError(_("The self-assessment needs at least one area."))
    if len(areas) > MAX_AREAS:
        raise CallError(
            _("A self-assessment has at most %(count)s areas; remove %(extra)s.")
            % {"count": MAX_AREAS, "extra": len(areas) - MAX_AREAS}
        )
    cleaned = []
    for number, area in enumerate(areas, start=1):
        texts = {
            name: _clean(getattr(area, name))
            for name in ("name_sv", "name_en", "description_sv", "description_en")
        }
        if not texts["name_sv"]:
            raise CallError(
                _("Area %(number)s has no Swedish name. Write it, or remove the area.")
                % {"number": number}
            )
        for name, limit in (
            ("name_sv", 200),
            ("name_en", 200),
            ("description_sv", 500),
            ("description_en", 500),
        ):
            if len(texts[name]) > limit:
                raise CallError(
                    _("Area %(number)s: a text may be at most %(limit)s characters.")
                    % {"number": number, "limit": limit}
                )
        cleaned.append(AreaText(**texts, key=area.key))
    return cleaned


def _checked_levels(levels: Sequence[LevelText]) -> list[LevelText]:
    low, high = LEVEL_COUNTS
    if not low <= len(levels) <= high:
        raise CallError(
            _("The scale needs between %(low)s and %(high)s levels; it has %(count)s.")
            % {"low": low, "high": high, "count": len(levels)}
        )
    cleaned = []
    for value, level in enumerate(levels, start=1):
        label_sv, label_en = _clean(level.label_sv), _clean(level.label_en)
        if not label_sv:
            raise CallError(
                _("Level %(value)s has no Swedish name. Write it, or remove the level.")
                % {"value": value}
            )
        if len(label_sv) > 200 or len(label_en) > 200:
            raise CallError(
                _("Level %(value)s: a name may be at most 200 characters.") % {"value": value}
            )
        cleaned.append(LevelText(label_sv=label_sv, label_en=label_en))
    return cleaned


def set_self_assessment(
    *,
    edition: Edition,
    areas: Sequence[AreaText],
    levels: Sequence[LevelText],
    closes_at: datetime,
    introduction_sv: str = "",
    introduction_en: str = "",
    actor: Actor,
    now: datetime | None = None,
) -> SelfAssessmentRubric:
    """Ask the edition's nominees for a self-assessment on this rubric, or change it (its
    areas, scale and introduction until the first nominee has filled it in; its last moment
    as long as the jury works)."""
    check_organiser(actor)
    now = now or timezone.now()
    _check_closing(closes_at, now=now)
    cleaned_areas = _checked_areas(areas)
    cleaned_levels = _checked_levels(levels)
    with transaction.atomic():
        lock_edition(edition)
        rubric = rubric_of(edition)
        before = _rubric_summary(rubric)
        if rubric is not None and rubric.frozen_at is not None:
            check_rubric_may_change(edition, None)  # the phase only: the last day may move
            if _areas_and_levels_differ(rubric, cleaned_areas, cleaned_levels) or (
                rubric.introduction_sv,
                rubric.introduction_en,
            ) != (introduction_sv.strip(), introduction_en.strip()):
                check_rubric_may_change(edition, rubric)
            rubric.closes_at = closes_at
            rubric.save(update_fields=["closes_at"])
        else:
            check_rubric_may_change(edition, rubric)
            if rubric is None:
                rubric = SelfAssessmentRubric(edition=edition)
            rubric.introduction_sv = introduction_sv.strip()
            rubric.introduction_en = introduction_en.strip()
            rubric.closes_at = closes_at
            rubric.save()
            _replace_areas_and_levels(rubric, cleaned_areas, cleaned_levels)
        rubric = rubric_of(edition)
        assert rubric is not None
        record_event(
            action=Action.EDITION_SELF_ASSESSMENT_SET,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after=_rubric_summary(rubric),
        )
    return rubric


def _areas_and_levels_differ(
    rubric: SelfAssessmentRubric, areas: Sequence[AreaText], levels: Sequence[LevelText]
) -> bool:
    stored_areas = [
        (a.name_sv, a.name_en, a.description_sv, a.description_en) for a in rubric.areas.all()
    ]
    given_areas = [(a.name_sv, a.name_en, a.description_sv, a.description_en) for a in areas]
    stored_levels = [(v.label_sv, v.label_en) for v in rubric.levels.all()]
    given_levels = [(v.label_sv, v.label_en) for v in levels]
    return stored_areas != given_areas or stored_levels != given_levels


def _replace_areas_and_levels(
    rubric: SelfAssessmentRubric, areas: Sequence[AreaText], levels: Sequence[LevelText]
) -> None:
    known = set(rubric.areas.values_list("key", flat=True)) if rubric.pk else set()
    numbers = [int(k[1:]) for k in known if k[:1] == "a" and k[1:].isdigit()]
    next_number = max([len(known), *numbers]) + 1
    used: set[str] = set()
    rows = []
    for position, area in enumerate(areas, start=1):
        key = area.key if area.key and area.key not in used else ""
        if not key:
            key, next_number = f"a{next_number}", next_number + 1
            while key in used:
                key, next_number = f"a{next_number}", next_number + 1
        used.add(key)
        rows.append(
            SelfAssessmentArea(
                rubric=rubric,
                position=position,
                key=key,
                name_sv=area.name_sv,
                name_en=area.name_en,
                description_sv=area.description_sv,
                description_en=area.description_en,
            )
        )
    SelfAssessmentArea.objects.filter(rubric=rubric).delete()
    SelfAssessmentArea.objects.bulk_create(rows)
    SelfAssessmentLevel.objects.filter(rubric=rubric).delete()
    SelfAssessmentLevel.objects.bulk_create(
        SelfAssessmentLevel(
            rubric=rubric, value=value, label_sv=level.label_sv, label_en=level.label_en
        )
        for value, level in enumerate(levels, start=1)
    )


def remove_self_assessment(*, edition: Edition, actor: Actor) -> None:
    """The edition asks its nominees for no self-assessment (until one has filled it in)."""
    check_organiser(actor)
    with transaction.atomic():
        lock_edition(edition)
        rubric = rubric_of(edition)
        if rubric is None:
            return
        check_rubric_may_change(edition, rubric)
        before = _rubric_summary(rubric)
        rubric.delete()
        record_event(
            action=Action.EDITION_SELF_ASSESSMENT_REMOVED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
        )


def check_self_assessment_open(
    *, candidacy: Candidacy, actor: Actor, now: datetime | None = None
) -> SelfAssessmentRubric:
    """The rubric the contact fills in; raises a ContributionError saying why they cannot."""
    contact = _contact_of(actor)
    if not contact_speaks_for(contact, candidacy):
        raise NotYourCandidacy(_("You can only change your own municipality's candidacy."))
    rubric = rubric_of(candidacy.edition)
    if rubric is None:
        raise SelfAssessmentClosed(
            _("%(title)s asks its nominees for no self-assessment.")
            % {"title": candidacy.edition.title}
        )
    if not self_assessment_is_open(rubric, candidacy, now=now):
        if candidacy.stage not in NOMINEE_STAGES:
            reason = _(
                "The self-assessment is for the jury's nominees, and %(name)s is not one of them."
            ) % {"name": candidacy.name}
        elif candidacy.response == "declined":
            reason = _("The municipality has declined the candidacy.")
        else:
            reason = _(
                "The time for the self-assessment ended %(when)s; the jury reads what was saved."
            ) % {"when": dates.moment(rubric.closes_at)}
        raise SelfAssessmentClosed(reason)
    return rubric


def _answers_for(
    rubric: SelfAssessmentRubric,
    levels: Mapping[str, int | None],
    comments: Mapping[str, str],
) -> dict[str, dict[str, Any]]:
    values = {level.value for level in rubric.levels.all()}
    answers: dict[str, dict[str, Any]] = {}
    missing = []
    for area in rubric.areas.all():
        level = levels.get(area.key)
        comment = (comments.get(area.key) or "").replace("\r\n", "\n").strip()
        if level not in values:
            missing.append(area.name)
            continue
        if len(comment) > COMMENT_MAX_LENGTH:
            raise ContributionError(
                _(
                    "The reason for “%(area)s” may be at most %(limit)s characters; it has "
                    "%(length)s."
                )
                % {"area": area.name, "limit": COMMENT_MAX_LENGTH, "length": len(comment)}
            )
        answers[area.key] = {"level": level, "comment": comment}
    if missing:
        raise ContributionError(
            _("Choose a level for every area; missing: %(areas)s.") % {"areas": ", ".join(missing)}
        )
    return answers


def save_self_assessment(
    *,
    candidacy: Candidacy,
    levels: Mapping[str, int | None],
    comments: Mapping[str, str],
    actor: Actor,
    now: datetime | None = None,
) -> SelfAssessment:
    """The nominee's self-assessment: a level of the scale for every area (by the area's key)
    and an optional reason each. The first one saved in an edition freezes its rubric."""
    now = now or timezone.now()
    rubric = check_self_assessment_open(candidacy=candidacy, actor=actor, now=now)
    _answers_for(rubric, levels, comments)  # refused before anything is locked
    with transaction.atomic():
        # The edition's row: the organiser changing the rubric waits, or is waited for.
        lock_edition(candidacy.edition)
        locked = (
            Candidacy.objects.select_for_update(of=("self",))
            .select_related("edition")
            .prefetch_related("members")
            .get(pk=candidacy.pk)
        )
        rubric = check_self_assessment_open(candidacy=locked, actor=actor, now=now)
        answers = _answers_for(rubric, levels, comments)
        assessment = SelfAssessment.objects.filter(candidacy=locked).first()
        before = dict(assessment.answers) if assessment is not None else {}
        if assessment is None:
            assessment = SelfAssessment(candidacy=locked, submitted_at=now)
        elif before == answers:
            return assessment
        assessment.answers = answers
        assessment.updated_at = now
        assessment.updated_by = actor_label(actor)
        assessment.save()
        if rubric.frozen_at is None:
            rubric.frozen_at = now
            rubric.save(update_fields=["frozen_at"])
        record_event(
            action=Action.CANDIDACY_SELF_ASSESSMENT_SAVED,
            actor=actor_label(actor),
            target=candidacy_target(locked),
            before=before,
            after=answers,
        )
    return assessment

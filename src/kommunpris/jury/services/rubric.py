"""The rubric: the criteria the jury scores, editable until the first scoring round opens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, edition_target
from kommunpris.awards.models import Edition
from kommunpris.permissions.jury import Actor, may_manage_jury, rubric_is_locked

from ..defaults import DEFAULT_RUBRIC
from ..models import (
    SCALE,
    Criterion,
    CriterionLevel,
)
from ._common import (
    Conflict,
    Invalid,
    refuse_unless,
    require_not_frozen,
)


def _require_editor(actor: Actor, edition: Edition) -> None:
    refuse_unless(
        may_manage_jury(actor, edition),
        _("Only the organiser edits the rubric of %(title)s.") % {"title": edition.title},
    )


def _require_rubric_editable(edition: Edition) -> None:
    if rubric_is_locked(edition):
        raise Conflict(
            _("The scoring of %(title)s has begun; the criteria can no longer change.")
            % {"title": edition.title}
        )
    require_not_frozen(edition)


@dataclass(frozen=True)
class CriterionInput:
    name: str
    weight: Decimal | str | int
    levels: Sequence[str]
    name_en: str = ""
    description: str = ""


def _clean_criterion(
    edition: Edition, data: CriterionInput, *, exclude: int | None = None
) -> dict[str, Any]:
    name = " ".join(data.name.split())
    if not name:
        raise Invalid(_("The criterion needs a name."))
    clash = Criterion.objects.filter(edition=edition, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Invalid(_("There is already a criterion called '%(name)s'.") % {"name": name})
    try:
        weight = Decimal(str(data.weight).replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise Invalid(
            _("The weight '%(weight)s' is not a number. Write, for example, 1 or 1.5.")
            % {"weight": data.weight}
        ) from None
    if not (Decimal(0) <= weight <= Decimal("99.9")):
        raise Invalid(
            _(
                "The weight %(weight)s will not do: write a number from 0 (for information "
                "only) to 99.9."
            )
            % {"weight": weight}
        )
    levels = [" ".join(level.split()) for level in data.levels]
    if len(levels) != len(SCALE) or not all(levels):
        raise Invalid(_("Describe all five levels, 0 to 4."))
    if any(len(level) > 500 for level in levels):
        raise Invalid(_("A level's description may be at most 500 characters long."))
    return {
        "name": name,
        "name_en": " ".join(data.name_en.split()),
        "description": data.description.strip(),
        "weight": weight,
        "levels": levels,
    }


def _criterion_record(clean: Mapping[str, Any]) -> dict[str, Any]:
    return {**clean, "weight": str(clean["weight"])}


def add_criterion(*, edition: Edition, data: CriterionInput, actor: Actor) -> Criterion:
    _require_editor(actor, edition)
    _require_rubric_editable(edition)
    return _add_criterion(edition, data, actor=actor)


def _add_criterion(edition: Edition, data: CriterionInput, *, actor: Actor) -> Criterion:
    clean = _clean_criterion(edition, data)
    with transaction.atomic():
        last = Criterion.objects.filter(edition=edition).order_by("-position").first()
        criterion = Criterion.objects.create(
            edition=edition,
            position=(last.position + 1) if last else 1,
            name=clean["name"],
            name_en=clean["name_en"],
            description=clean["description"],
            weight=clean["weight"],
        )
        for value, text in zip(SCALE, clean["levels"], strict=True):
            CriterionLevel.objects.create(criterion=criterion, value=value, description=text)
        record_event(
            action=Action.JURY_CRITERION_ADDED,
            actor=actor_label(actor),
            target=edition_target(edition),
            after=_criterion_record(clean),
        )
    return criterion


def update_criterion(*, criterion: Criterion, data: CriterionInput, actor: Actor) -> Criterion:
    edition = criterion.edition
    _require_editor(actor, edition)
    _require_rubric_editable(edition)
    clean = _clean_criterion(edition, data, exclude=criterion.pk)
    with transaction.atomic():
        levels = {level.value: level for level in criterion.levels.all()}
        before = {
            "name": criterion.name,
            "name_en": criterion.name_en,
            "description": criterion.description,
            "weight": str(criterion.weight),
            "levels": [levels[v].description if v in levels else "" for v in SCALE],
        }
        criterion.name, criterion.name_en = clean["name"], clean["name_en"]
        criterion.description, criterion.weight = clean["description"], clean["weight"]
        criterion.save(update_fields=["name", "name_en", "description", "weight"])
        for value, text in zip(SCALE, clean["levels"], strict=True):
            level = levels.get(value)
            if level is None:
                CriterionLevel.objects.create(criterion=criterion, value=value, description=text)
            elif level.description != text:
                level.description = text
                level.save(update_fields=["description"])
        record_event(
            action=Action.JURY_CRITERION_CHANGED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after=_criterion_record(clean),
        )
    return criterion


def remove_criterion(*, criterion: Criterion, actor: Actor) -> None:
    edition = criterion.edition
    _require_editor(actor, edition)
    _require_rubric_editable(edition)
    with transaction.atomic():
        record_event(
            action=Action.JURY_CRITERION_REMOVED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before={"name": criterion.name, "weight": str(criterion.weight)},
        )
        criterion.levels.all().delete()
        criterion.delete()


def seed_default_rubric(*, edition: Edition, actor: Actor) -> list[Criterion]:
    """The seven default criteria (DESIGN.md), for an edition that has no criteria yet."""
    _require_editor(actor, edition)
    return seed_default_rubric_for_review(edition, actor=actor)


def seed_default_rubric_for_review(edition: Edition, *, actor: Actor) -> list[Criterion]:
    """The same, as part of handing the candidacies to the jury (start_jury_review, which
    the chair may do too, has asked its own permission)."""
    existing = list(Criterion.objects.filter(edition=edition))
    if existing:
        return existing
    _require_rubric_editable(edition)
    with transaction.atomic():
        created = [
            _add_criterion(
                edition,
                data=CriterionInput(
                    name=d.name,
                    name_en=d.name_en,
                    description=d.description,
                    weight=d.weight,
                    levels=d.levels,
                ),
                actor=actor,
            )
            for d in DEFAULT_RUBRIC
        ]
    return created

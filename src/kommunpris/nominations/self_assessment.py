"""The maturity self-assessment, the optional step for nominees: its defaults, an edition's
rubric, a nominee's answers paired with the rubric's areas and levels, and the reads the jury
makes of them (its candidacy page, and the jury packet through `for_packets`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kommunpris.awards.models import Edition

from .models import (
    Candidacy,
    SelfAssessment,
    SelfAssessmentArea,
    SelfAssessmentLevel,
    SelfAssessmentRubric,
)

DEFAULT_INTRODUCTION = {
    "sv": (
        "Skatta kommunens digitala mognad inom varje område och motivera kort. Juryn läser "
        "självskattningen tillsammans med nomineringarna och kommunens egna svar."
    ),
    "en": (
        "Rate the municipality's digital maturity in each area and give a short reason. The "
        "jury reads the self-assessment together with the nominations and the municipality's "
        "own answers."
    ),
}
DEFAULT_LEVELS: tuple[tuple[str, str], ...] = (
    ("Grundläggande", "Basic"),
    ("Under utveckling", "Developing"),
    ("Etablerad", "Established"),
    ("Ledande", "Leading"),
)
DEFAULT_AREAS: tuple[dict[str, str], ...] = (
    {
        "key": "strategy",
        "name_sv": "Strategi, ledning och styrning",
        "name_en": "Strategy, leadership and governance",
        "description_sv": "Finns en digital strategi som ledningen äger, följer upp och styr "
        "efter?",
        "description_en": "Is there a digital strategy that the leadership owns, follows up "
        "and governs by?",
    },
    {
        "key": "skills",
        "name_sv": "Kompetens och kultur",
        "name_en": "Skills and culture",
        "description_sv": "Har chefer och medarbetare den digitala kompetens verksamheten "
        "behöver, och vågar man pröva nytt?",
        "description_en": "Do managers and staff have the digital skills the work needs, and "
        "do they dare to try new things?",
    },
    {
        "key": "services",
        "name_sv": "Digitala tjänster för invånare och företag",
        "name_en": "Digital services for residents and businesses",
        "description_sv": "Hur väl möter de digitala tjänsterna invånarnas och företagens behov?",
        "description_en": "How well do the digital services meet residents' and businesses' needs?",
    },
    {
        "key": "collaboration",
        "name_sv": "Samverkan och delning",
        "name_en": "Collaboration and sharing",
        "description_sv": "Hur mycket samarbetar kommunen med andra och delar med sig?",
        "description_en": "How much does the municipality work with others and share?",
    },
    {
        "key": "foundations",
        "name_sv": "Infrastruktur, data och informationssäkerhet",
        "name_en": "Infrastructure, data and information security",
        "description_sv": "Hur väl stödjer it-miljö, data och säkerhetsarbete verksamheten?",
        "description_en": "How well do IT, data and security work support the organisation?",
    },
)
MAX_AREAS = 12
LEVEL_COUNTS = (2, 7)
COMMENT_MAX_LENGTH = 1500


def rubric_of(edition: Edition) -> SelfAssessmentRubric | None:
    """The edition's rubric with its areas and levels, or None when it asks for none."""
    return (
        SelfAssessmentRubric.objects.prefetch_related(
            Prefetch("areas", queryset=SelfAssessmentArea.objects.order_by("position")),
            Prefetch("levels", queryset=SelfAssessmentLevel.objects.order_by("value")),
        )
        .filter(edition=edition)
        .first()
    )


def default_closing(edition: Edition, *, now: datetime | None = None) -> datetime:
    """A sensible last moment for nominees: six weeks after the municipalities' own deadline
    (the jury names its nominees in between), end of day, and never in the past."""
    now = now or timezone.now()
    start = edition.supplement_close_at or now
    moment = timezone.localtime(max(start, now)) + timedelta(days=42)
    return moment.replace(hour=23, minute=59, second=0, microsecond=0)


@dataclass(frozen=True)
class AssessedArea:
    """One area of the rubric with the level the municipality chose and its reason."""

    area: SelfAssessmentArea
    level: SelfAssessmentLevel | None
    comment: str


@dataclass(frozen=True)
class FilledIn:
    """A nominee's self-assessment as readers see it: every area of the rubric in order."""

    rubric: SelfAssessmentRubric
    areas: list[AssessedArea]
    updated_at: datetime
    updated_by: str

    @property
    def top_level(self) -> int:
        return max((level.value for level in self.rubric.levels.all()), default=0)


def filled_in(rubric: SelfAssessmentRubric, assessment: SelfAssessment) -> FilledIn:
    """Pair the stored answers with the rubric (prefetched areas and levels)."""
    levels = {level.value: level for level in rubric.levels.all()}
    rows = []
    for area in rubric.areas.all():
        given = assessment.answers.get(area.key) or {}
        value = given.get("level")
        rows.append(
            AssessedArea(
                area=area,
                level=levels.get(value) if isinstance(value, int) else None,
                comment=str(given.get("comment", "")),
            )
        )
    return FilledIn(
        rubric=rubric,
        areas=rows,
        updated_at=assessment.updated_at,
        updated_by=assessment.updated_by,
    )


def assessment_of(candidacy: Candidacy) -> FilledIn | None:
    """The candidacy's self-assessment as the jury and its contact read it, or None."""
    assessment = SelfAssessment.objects.filter(candidacy=candidacy).first()
    if assessment is None:
        return None
    rubric = rubric_of(candidacy.edition)
    if rubric is None:
        return None
    return filled_in(rubric, assessment)


# --- the jury packet -------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedSelfAssessment:
    """What the jury packet prints: a heading, each area with the level and the reason, and
    when it was filled in."""

    title: str
    answers: list[tuple[str, str]]
    note: str = ""


def _printed(filled: FilledIn) -> PrintedSelfAssessment:
    top = filled.top_level
    answers = []
    for row in filled.areas:
        if row.level is None:
            text = _("No level chosen.")
        else:
            text = _("Level %(value)s of %(top)s: %(label)s") % {
                "value": row.level.value,
                "top": top,
                "label": row.level.label,
            }
        if row.comment:
            text += "\n" + row.comment
        answers.append((row.area.name, text))
    when = date_format(timezone.localtime(filled.updated_at), "j F Y, H:i")
    return PrintedSelfAssessment(
        title=_("The municipality's self-assessment"),
        answers=answers,
        note=_("Filled in by the municipality's contact; last saved %(when)s.") % {"when": when},
    )


def for_packets(candidacies: Sequence[Candidacy]) -> dict[int, PrintedSelfAssessment]:
    """The self-assessments of many candidacies at once, for the jury packet: candidacy id ->
    what the packet prints; candidacies without one are left out. Four queries whatever the
    number (the assessments, their rubrics, the rubrics' areas and levels)."""
    ids = [c.pk for c in candidacies]
    if not ids:
        return {}
    assessments = list(
        SelfAssessment.objects.filter(candidacy_id__in=ids).select_related("candidacy")
    )
    if not assessments:
        return {}
    rubrics = {
        r.edition_id: r
        for r in SelfAssessmentRubric.objects.filter(
            edition_id__in={a.candidacy.edition_id for a in assessments}
        ).prefetch_related(
            Prefetch("areas", queryset=SelfAssessmentArea.objects.order_by("position")),
            Prefetch("levels", queryset=SelfAssessmentLevel.objects.order_by("value")),
        )
    }
    printed = {}
    for assessment in assessments:
        rubric = rubrics.get(assessment.candidacy.edition_id)
        if rubric is not None:
            printed[assessment.candidacy_id] = _printed(filled_in(rubric, assessment))
    return printed

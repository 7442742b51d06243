"""The questions of an edition's call: the three the call has always asked, an edition's own,
the checks of an answer against its question, and answers paired with the question each was
given to (so every reader — nominator, organiser, contact, jury — sees which question it
answers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from kommunpris.awards.models import Edition

from .models import NOMINATION_ANSWER_MAX_LENGTH, NominationQuestion

# The call's questions since 2019, and what a new edition starts from when no earlier edition
# of its award has questions of its own (migration 0005 writes the same three).
DEFAULT_QUESTIONS: tuple[dict[str, str], ...] = (
    {
        "key": "proud",
        "text_sv": "Vad är kommunen mest stolt över?",
        "text_en": "What is the municipality most proud of?",
        "hint_sv": (
            "Den digitala förändring du tycker sticker ut: en tjänst, ett arbetssätt, ett beslut."
        ),
        "hint_en": (
            "The digital change you think stands out: a service, a way of working, a decision."
        ),
    },
    {
        "key": "effect",
        "text_sv": "Vilken effekt har det fått?",
        "text_en": "What effect has it had?",
        "hint_sv": "För invånare, medarbetare eller företag: vad blev bättre, och hur?",
        "hint_en": "For residents, staff or businesses: what became better, and how?",
    },
    {
        "key": "learned",
        "text_sv": "Vad har man lärt sig?",
        "text_en": "What has been learned?",
        "hint_sv": "Vad kommunen, eller andra, har lärt sig av det.",
        "hint_en": "What the municipality, or others, learned from it.",
    },
)
MAX_QUESTIONS = 10
LENGTH_LIMITS = (100, 20000)


def default_questions(edition: Edition) -> list[NominationQuestion]:
    """The three questions of before, unsaved, for `edition`."""
    return [
        NominationQuestion(
            edition=edition,
            position=position,
            required=True,
            max_length=NOMINATION_ANSWER_MAX_LENGTH,
            **question,
        )
        for position, question in enumerate(DEFAULT_QUESTIONS, start=1)
    ]


def questions_of(edition: Edition) -> list[NominationQuestion]:
    """The edition's questions in order: its own once set (or frozen by the first nomination);
    until then those of its award's latest earlier edition with questions of its own, as
    unsaved copies, or the three questions of before."""
    own = list(NominationQuestion.objects.filter(edition=edition).order_by("position"))
    if own:
        return own
    earlier = (
        NominationQuestion.objects.filter(
            edition__award_id=edition.award_id, edition__year__lt=edition.year
        )
        .order_by("-edition__year", "position")
        .select_related("edition")
    )
    latest_year = None
    copies = []
    for question in earlier:
        if latest_year is None:
            latest_year = question.edition.year
        if question.edition.year != latest_year:
            break
        copies.append(
            NominationQuestion(
                edition=edition,
                position=question.position,
                key=question.key,
                text_sv=question.text_sv,
                text_en=question.text_en,
                hint_sv=question.hint_sv,
                hint_en=question.hint_en,
                required=question.required,
                max_length=question.max_length,
            )
        )
    return copies or default_questions(edition)


def are_own(questions: Sequence[NominationQuestion]) -> bool:
    """Whether these are stored questions of their edition (not yet copied defaults)."""
    return bool(questions) and questions[0].pk is not None


def frozen_at(questions: Sequence[NominationQuestion]) -> datetime | None:
    """When the questions were frozen (the first nomination), or None."""
    return next((q.frozen_at for q in questions if q.frozen_at is not None), None)


def questions_by_edition(edition_ids: Iterable[int]) -> dict[int, list[NominationQuestion]]:
    """The stored questions of many editions in one query (editions with nominations have them:
    the first nomination stores and freezes its edition's questions)."""
    found: dict[int, list[NominationQuestion]] = {}
    for question in NominationQuestion.objects.filter(edition_id__in=set(edition_ids)).order_by(
        "edition_id", "position"
    ):
        found.setdefault(question.edition_id, []).append(question)
    return found


# --- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """One answer with the question it was given to. `question` is None only for an answer
    stored under a key its edition no longer knows (kept and shown, never dropped)."""

    key: str
    text: str
    question: NominationQuestion | None

    @property
    def label(self) -> str:
        return self.question.text if self.question is not None else self.key


def answered(
    questions: Sequence[NominationQuestion],
    answers: Mapping[str, str],
    *,
    skip_empty: bool = False,
) -> list[Answered]:
    """Each question with its answer ("" when not answered), in the questions' order, then any
    answer under a key none of them has."""
    rows = [Answered(q.key, answers.get(q.key, ""), q) for q in questions]
    known = {q.key for q in questions}
    rows += [Answered(k, text, None) for k, text in answers.items() if k not in known and text]
    return [row for row in rows if row.text] if skip_empty else rows


def clean_text(value: str) -> str:
    """Text as written, with line endings unified and outer space removed."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def clean_answers(
    questions: Sequence[NominationQuestion],
    given: Mapping[str, str],
    *,
    contribution: bool,
) -> dict[str, str]:
    """The answers to keep, under their questions' keys, empty ones left out; answers to no
    question of the call are dropped. Raises ValueError with the reader's message: a required
    question a nominator left empty, or an answer over its question's limit (a municipality may
    write twice a nominator's limit and need not answer everything)."""
    kept: dict[str, str] = {}
    for question in questions:
        text = clean_text(given.get(question.key, "") or "")
        if not text:
            if question.required and not contribution:
                raise ValueError(
                    _("Answer the question “%(question)s”.") % {"question": question.text}
                )
            continue
        limit = question.contribution_max_length if contribution else question.max_length
        if len(text) > limit:
            raise ValueError(
                _(
                    "The answer to “%(question)s” may be at most %(limit)s characters; it has "
                    "%(length)s."
                )
                % {"question": question.text, "limit": limit, "length": len(text)}
            )
        kept[question.key] = text
    return kept

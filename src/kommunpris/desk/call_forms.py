"""Forms of the organiser's call settings: an edition's questions, and the self-assessment its
nominees fill in (areas and a scale of levels), and the nominee's own self-assessment. Blocks
left empty are ignored, so a new question or area is added by filling in an empty block — no
JavaScript needed. They validate input; services do the writing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.nominations.models import (
    NOMINATION_ANSWER_MAX_LENGTH,
    NominationQuestion,
    SelfAssessmentRubric,
)
from kommunpris.nominations.questions import LENGTH_LIMITS, MAX_QUESTIONS
from kommunpris.nominations.self_assessment import (
    COMMENT_MAX_LENGTH,
    DEFAULT_AREAS,
    DEFAULT_INTRODUCTION,
    DEFAULT_LEVELS,
    LEVEL_COUNTS,
    MAX_AREAS,
)
from kommunpris.nominations.services import AreaText, LevelText, QuestionText
from kommunpris.web.nominate import AnswerField

EXTRA_BLOCKS = 2


class _Blocks(forms.BaseFormSet):  # type: ignore[type-arg]
    """A formset whose ordering and removal fields speak the desk's language, and whose
    blocks left empty count for nothing."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = gettext_lazy("Place in the order")
            form.fields["ORDER"].help_text = gettext_lazy(
                "1 first; blocks with the same number keep their order."
            )
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext_lazy("Remove")

    # The field whose text makes a block count: a block without it is an empty one.
    main = ""

    def kept(self) -> list[forms.Form]:
        """The filled-in blocks that are not removed, in the order asked for."""
        rows = [
            form
            for form in self.forms
            if not getattr(form, "cleaned_data", {}).get("DELETE")
            and getattr(form, "cleaned_data", {}).get(self.main)
        ]
        if not self.can_order:
            return rows
        return sorted(
            rows, key=lambda f: (f.cleaned_data.get("ORDER") or 10_000, self.forms.index(f))
        )


# --- questions -------------------------------------------------------------------------------


class QuestionForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    text_sv = forms.CharField(label=gettext_lazy("The question in Swedish"), max_length=300)
    text_en = forms.CharField(
        label=gettext_lazy("The question in English (optional)"),
        help_text=gettext_lazy("English pages show the Swedish text where this is empty."),
        max_length=300,
        required=False,
    )
    hint_sv = forms.CharField(
        label=gettext_lazy("Help text in Swedish (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hint_en = forms.CharField(
        label=gettext_lazy("Help text in English (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required = forms.BooleanField(
        label=gettext_lazy("Nominators must answer it"), required=False, initial=True
    )
    max_length = forms.IntegerField(
        label=gettext_lazy("Longest answer from a nominator (characters)"),
        help_text=gettext_lazy("The municipality may write twice as much in its own answer."),
        min_value=LENGTH_LIMITS[0],
        max_value=LENGTH_LIMITS[1],
        initial=NOMINATION_ANSWER_MAX_LENGTH,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A block left empty is no question: the Swedish text is required only once the
        # block is used (checked in clean()).
        self.fields["text_sv"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used = any(data.get(name) for name in ("text_en", "hint_sv", "hint_en"))
        if (used or self.initial) and not data.get("text_sv") and not data.get("DELETE"):
            self.add_error(
                "text_sv",
                _("Write the question in Swedish, or tick “Remove” to take it away."),
            )
        return data

    def question(self) -> QuestionText:
        data = self.cleaned_data
        return QuestionText(
            key=data.get("key") or "",
            text_sv=data["text_sv"],
            text_en=data.get("text_en") or "",
            hint_sv=data.get("hint_sv") or "",
            hint_en=data.get("hint_en") or "",
            required=bool(data.get("required")),
            max_length=data.get("max_length") or NOMINATION_ANSWER_MAX_LENGTH,
        )


class _QuestionBlocks(_Blocks):
    main = "text_sv"


QuestionBlocks = forms.formset_factory(
    QuestionForm,
    formset=_QuestionBlocks,
    extra=EXTRA_BLOCKS,
    can_order=True,
    can_delete=True,
    max_num=MAX_QUESTIONS,
    absolute_max=MAX_QUESTIONS + EXTRA_BLOCKS,
)


def question_blocks(questions: Sequence[NominationQuestion], data: Any = None) -> forms.BaseFormSet:  # type: ignore[type-arg]
    initial = [
        {
            "key": q.key,
            "text_sv": q.text_sv,
            "text_en": q.text_en,
            "hint_sv": q.hint_sv,
            "hint_en": q.hint_en,
            "required": q.required,
            "max_length": q.max_length,
            "ORDER": q.position,
        }
        for q in questions
    ]
    return QuestionBlocks(data, initial=initial, prefix="q")


def questions_from(blocks: forms.BaseFormSet) -> list[QuestionText]:  # type: ignore[type-arg]
    assert isinstance(blocks, _Blocks)
    return [form.question() for form in blocks.kept()]  # type: ignore[attr-defined]


# --- the self-assessment rubric ------------------------------------------------------------


class RubricForm(forms.Form):
    introduction_sv = forms.CharField(
        label=gettext_lazy("Introduction in Swedish"),
        help_text=gettext_lazy("What the nominees read above the areas."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    introduction_en = forms.CharField(
        label=gettext_lazy("Introduction in English (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    closes_day = forms.DateField(
        label=gettext_lazy("Last day for the nominees"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    closes_time = forms.TimeField(
        label=gettext_lazy("Until (time of day)"),
        initial=time(23, 59),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def closes_at(self) -> datetime:
        data = self.cleaned_data
        moment = datetime.combine(data["closes_day"], data["closes_time"])
        return timezone.make_aware(moment).replace(second=59)  # "until 23:59": the whole minute


class AreaForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    name_sv = forms.CharField(label=gettext_lazy("Area in Swedish"), max_length=200)
    name_en = forms.CharField(
        label=gettext_lazy("Area in English (optional)"), max_length=200, required=False
    )
    description_sv = forms.CharField(
        label=gettext_lazy("What to consider, in Swedish (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_en = forms.CharField(
        label=gettext_lazy("What to consider, in English (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name_sv"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used = any(data.get(n) for n in ("name_en", "description_sv", "description_en"))
        if (used or self.initial) and not data.get("name_sv") and not data.get("DELETE"):
            self.add_error(
                "name_sv", _("Write the area's name in Swedish, or tick “Remove” to take it away.")
            )
        return data

    def area(self) -> AreaText:
        data = self.cleaned_data
        return AreaText(
            key=data.get("key") or "",
            name_sv=data["name_sv"],
            name_en=data.get("name_en") or "",
            description_sv=data.get("description_sv") or "",
            description_en=data.get("description_en") or "",
        )


class LevelForm(forms.Form):
    label_sv = forms.CharField(label=gettext_lazy("Level in Swedish"), max_length=200)
    label_en = forms.CharField(
        label=gettext_lazy("Level in English (optional)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label_sv"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used = data.get("label_en") or self.initial
        if used and not data.get("label_sv") and not data.get("DELETE"):
            self.add_error(
                "label_sv",
                _("Write the level's name in Swedish, or tick “Remove” to take it away."),
            )
        return data

    def level(self) -> LevelText:
        return LevelText(
            label_sv=self.cleaned_data["label_sv"], label_en=self.cleaned_data.get("label_en") or ""
        )


class _AreaBlocks(_Blocks):
    main = "name_sv"


class _LevelBlocks(_Blocks):
    main = "label_sv"


AreaBlocks = forms.formset_factory(
    AreaForm,
    formset=_AreaBlocks,
    extra=EXTRA_BLOCKS,
    can_order=True,
    can_delete=True,
    max_num=MAX_AREAS,
    absolute_max=MAX_AREAS + EXTRA_BLOCKS,
)
LevelBlocks = forms.formset_factory(
    LevelForm,
    formset=_LevelBlocks,
    extra=1,
    can_delete=True,
    max_num=LEVEL_COUNTS[1],
    absolute_max=LEVEL_COUNTS[1] + 1,
)


def rubric_forms(
    rubric: SelfAssessmentRubric | None, *, closes_at: datetime, data: Any = None
) -> tuple[RubricForm, Any, Any]:
    """The rubric's three forms, filled in from `rubric`, or with the defaults."""
    local = timezone.localtime(rubric.closes_at if rubric is not None else closes_at)
    if rubric is not None:
        intro = {
            "introduction_sv": rubric.introduction_sv,
            "introduction_en": rubric.introduction_en,
        }
        areas = [
            {
                "key": a.key,
                "name_sv": a.name_sv,
                "name_en": a.name_en,
                "description_sv": a.description_sv,
                "description_en": a.description_en,
                "ORDER": a.position,
            }
            for a in rubric.areas.all()
        ]
        levels = [{"label_sv": v.label_sv, "label_en": v.label_en} for v in rubric.levels.all()]
    else:
        intro = {
            "introduction_sv": DEFAULT_INTRODUCTION["sv"],
            "introduction_en": DEFAULT_INTRODUCTION["en"],
        }
        areas = [{**area, "ORDER": n} for n, area in enumerate(DEFAULT_AREAS, start=1)]
        levels = [{"label_sv": sv, "label_en": en} for sv, en in DEFAULT_LEVELS]
    form = RubricForm(
        data,
        prefix="rubric",
        initial={
            **intro,
            "closes_day": local.date(),
            "closes_time": local.time().replace(second=0, microsecond=0),
        },
    )
    return (
        form,
        AreaBlocks(data, initial=areas, prefix="area"),
        LevelBlocks(data, initial=levels, prefix="level"),
    )


def areas_from(blocks: Any) -> list[AreaText]:
    return [form.area() for form in blocks.kept()]


def levels_from(blocks: Any) -> list[LevelText]:
    return [form.level() for form in blocks.kept()]


# --- the nominee's self-assessment -----------------------------------------------------------


class SelfAssessmentForm(forms.Form):
    """A level and an optional reason for every area of the rubric (fields `level-<key>` and
    `comment-<key>`)."""

    def __init__(self, *args: Any, rubric: SelfAssessmentRubric, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        choices = [(level.value, f"{level.value} – {level.label}") for level in rubric.levels.all()]
        for area in rubric.areas.all():
            self.fields[f"level-{area.key}"] = forms.TypedChoiceField(
                label=_("Level"),
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a level for “%(area)s”.") % {"area": area.name}
                },
            )
            comment = AnswerField(
                label=_("Why this level? (optional)"),
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            comment.widget.attrs.pop("maxlength", None)
            self.fields[f"comment-{area.key}"] = comment

    def areas(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (area, self[f"level-{area.key}"], self[f"comment-{area.key}"])
            for area in self.rubric.areas.all()
        ]

    def levels(self) -> dict[str, int | None]:
        return {a.key: self.cleaned_data.get(f"level-{a.key}") for a in self.rubric.areas.all()}

    def comments(self) -> dict[str, str]:
        return {
            a.key: self.cleaned_data.get(f"comment-{a.key}") or "" for a in self.rubric.areas.all()
        }

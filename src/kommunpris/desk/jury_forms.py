"""Forms of the jury's desk pages: they parse what was typed; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kommunpris.jury.models import SCALE, Criterion, Role, ScoreSheet, TieKind
from kommunpris.jury.services import CriterionInput, EntryInput
from kommunpris.nominations.models import Candidacy
from kommunpris.register.models import County
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolver


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.JUROR)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=[("sv", _("Swedish")), ("en", _("English"))],
        initial="sv",
    )


class LanguageForm(forms.Form):
    """A member's language for the jury's e-mail to them."""

    language = forms.ChoiceField(
        label=_("Language of the jury's e-mail to you"),
        choices=[("sv", _("Swedish")), ("en", _("English"))],
    )


class TieForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of tie"), choices=TieKind.choices, widget=forms.RadioSelect
    )
    municipality = forms.CharField(
        label=_("Municipality (name or four-digit code)"), required=False, max_length=100
    )
    county = forms.ChoiceField(label=_("County"), required=False)
    county_wide = forms.BooleanField(
        label=_("The tie covers the whole county (e.g. you work for the region)"), required=False
    )
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    candidacy = forms.ChoiceField(label=_("Candidacy"), required=False)
    note = forms.CharField(
        label=_("What the tie is"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, candidacies: list[Candidacy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county_field = self.fields["county"]
        assert isinstance(county_field, forms.ChoiceField)
        county_field.choices = [("", "—")] + [
            (c.code, f"{c.name} ({c.code})") for c in County.objects.order_by("sort_key")
        ]
        candidacy_field = self.fields["candidacy"]
        assert isinstance(candidacy_field, forms.ChoiceField)
        candidacy_field.choices = [("", "—")] + [(str(c.pk), c.name) for c in candidacies]

    def clean_municipality(self) -> str:
        written = str(self.cleaned_data.get("municipality") or "").strip()
        if not written or (written.isdigit() and len(written) == 4):
            return written
        try:
            return resolver().resolve(written).code
        except MunicipalityNotFound as exc:
            raise forms.ValidationError(exc.message) from None


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What the jury looks for"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    weight = forms.CharField(
        label=_("Weight (0 = informational, not part of the total)"), max_length=10, initial="1"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value in SCALE:
            self.fields[f"level_{value}"] = forms.CharField(
                label=_("Level %(value)s means") % {"value": value}, max_length=500
            )

    @classmethod
    def initial_for(cls, criterion: Criterion) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": criterion.name,
            "name_en": criterion.name_en,
            "description": criterion.description,
            "weight": f"{criterion.weight:g}".replace(".", ","),
        }
        for level in criterion.levels.all():
            initial[f"level_{level.value}"] = level.description
        return initial

    def to_input(self) -> CriterionInput:
        data = self.cleaned_data
        return CriterionInput(
            name=data["name"],
            name_en=data["name_en"],
            description=data["description"],
            weight=data["weight"],
            levels=[data[f"level_{value}"] for value in SCALE],
        )


class ScoreSheetForm(forms.Form):
    """One radio group (0–4) and one comment per criterion, and a comment on the whole."""

    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # The sheet's version when the page was opened; a form without it is saved unchecked.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, criteria: list[Criterion], sheet: ScoreSheet | None, **kwargs: Any
    ) -> None:
        initial: dict[str, Any] = kwargs.pop("initial", None) or {}
        if sheet is not None:
            initial["comment"] = sheet.comment
            for entry in sheet.entries.all():
                initial[f"value_{entry.criterion_id}"] = (
                    "" if entry.value is None else str(entry.value)
                )
                initial[f"comment_{entry.criterion_id}"] = entry.comment
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            levels = {level.value: level.description for level in criterion.levels.all()}
            self.fields[f"value_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[(str(v), f"{v} – {levels.get(v, '')}") for v in SCALE],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"value_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def entries(self) -> dict[int, EntryInput]:
        return {
            c.pk: EntryInput(
                self.cleaned_data.get(f"value_{c.pk}"),
                self.cleaned_data.get(f"comment_{c.pk}") or "",
            )
            for c in self.criteria
        }


class SiteVisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Date of the visit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    body = forms.CharField(label=_("What you saw"), widget=forms.Textarea(attrs={"rows": 5}))


class BallotForm(forms.Form):
    """A place (1 = best) for every finalist the juror may see; equal places are allowed."""

    def __init__(
        self, *args: Any, finalists: list[Candidacy], current: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.finalists = finalists
        for candidacy in finalists:
            self.fields[f"rank_{candidacy.pk}"] = forms.TypedChoiceField(
                label=candidacy.name,
                choices=[("", "—")] + [(str(n), str(n)) for n in range(1, len(finalists) + 1)],
                coerce=int,
                empty_value=None,
                required=True,
                initial=str(current[candidacy.pk]) if candidacy.pk in current else "",
            )

    def ranks(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"rank_{c.pk}"] for c in self.finalists}


class TieBreakForm(forms.Form):
    """The chair's order within each tied group of finalists (1 = first)."""

    note = forms.CharField(
        label=_("How the tie was broken"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, ties: list[list[Candidacy]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ties = ties
        for tier in ties:
            for candidacy in tier:
                self.fields[f"place_{candidacy.pk}"] = forms.TypedChoiceField(
                    label=candidacy.name,
                    choices=[(str(n), str(n)) for n in range(1, len(tier) + 1)],
                    coerce=int,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for tier in self.ties:
            places = [data.get(f"place_{c.pk}") for c in tier]
            if None not in places and len(set(places)) != len(places):
                raise forms.ValidationError(
                    _("Give each tied finalist a different place within its group.")
                )
        return data

    def groups(self) -> list[tuple[list[Candidacy], list[forms.BoundField]]]:
        return [(tier, [self[f"place_{c.pk}"] for c in tier]) for tier in self.ties]

    def order(self) -> list[int]:
        ordered: list[int] = []
        for tier in self.ties:
            ordered.extend(
                c.pk for c in sorted(tier, key=lambda c: self.cleaned_data[f"place_{c.pk}"])
            )
        return ordered


class DecisionForm(forms.Form):
    candidacy = forms.TypedChoiceField(label=_("Winner"), coerce=int, widget=forms.RadioSelect)
    display_name = forms.CharField(
        label=_("The winner's name as the municipality writes it"),
        max_length=200,
        help_text=_("For example 'Värmdö kommun', 'Lidingö stad', 'Sundsvalls kommun'."),
    )
    motivation = forms.CharField(
        label=_("The jury's motivation (Swedish)"), widget=forms.Textarea(attrs={"rows": 8})
    )
    motivation_en = forms.CharField(
        label=_("The motivation in English (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    publish_at = forms.DateTimeField(
        label=_("Publication time (the gala), Swedish time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    publish_at_once = forms.BooleanField(
        label=_("The publication time has passed: publish the decision at once"), required=False
    )
    departure_reason = forms.CharField(
        label=_("Why the jury chose another finalist than the ballot's first (if it did)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        finalists: list[Candidacy],
        sees_the_whole_ballot: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not sees_the_whole_ballot:
            # A chair conflicted out of a finalist always writes how the jury decided.
            reason = self.fields["departure_reason"]
            reason.label = _("How the jury reached its decision")
            reason.help_text = _(
                "Required, since you do not see the ballot's whole order; the order is kept "
                "with the decision."
            )
            reason.required = True
        field = self.fields["candidacy"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c.pk, c.name) for c in finalists]


class RescheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("New publication time, Swedish time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    publish_at_once = forms.BooleanField(
        label=_("The time has passed: publish the decision at once"), required=False
    )

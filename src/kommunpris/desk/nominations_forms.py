"""Forms of the nominations desk: the organiser's editions, contacts and rejections, and the
municipality contact's answers and attachments. They validate input; services do the writing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.awards.models import Edition
from kommunpris.awards.services import DEADLINE_PHASES
from kommunpris.nominations.models import NominationQuestion, NominationStatus, Response
from kommunpris.register.models import County, Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolve
from kommunpris.web.nominate import answer_field


def _end_of_day(day: Any) -> datetime:
    """A deadline given as a day lasts the whole day, Swedish time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class EditionForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1900, max_value=2999)
    nominations_close = forms.DateField(
        label=gettext_lazy("Last day for nominations"),
        help_text=gettext_lazy("Nominations are taken until the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    supplement_close = forms.DateField(
        label=gettext_lazy("Last day for the municipalities' own answers and attachments"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ceremony = forms.DateTimeField(
        label=gettext_lazy("Ceremony (date and time)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    venue = forms.CharField(
        label=gettext_lazy("Venue (optional)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Leave empty for the award's usual venue."),
    )
    off_cadence = forms.BooleanField(
        label=gettext_lazy("This year is off the award's cadence and I make an exception"),
        required=False,
    )

    def deadlines(self) -> dict[str, datetime]:
        data = self.cleaned_data
        return {
            "nominations_close_at": _end_of_day(data["nominations_close"]),
            "supplement_close_at": _end_of_day(data["supplement_close"]),
            "ceremony_at": data["ceremony"],
        }


def _at(day: Any, moment: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


class EditionChangeForm(forms.Form):
    """An edition's deadlines (day and time of day), gala and venue, as they stand; the
    deadlines are shown but locked once the jury's work has begun."""

    nominations_close = forms.DateField(
        label=gettext_lazy("Last day for nominations"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    nominations_close_time = forms.TimeField(
        label=gettext_lazy("Nominations are taken until (time of day)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    supplement_close = forms.DateField(
        label=gettext_lazy("Last day for the municipalities' own answers and attachments"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    supplement_close_time = forms.TimeField(
        label=gettext_lazy("The municipalities may add material until (time of day)"),
        help_text=gettext_lazy(
            "The jury's work can start once this has passed. A time that has passed already "
            "ends the municipalities' changes at once."
        ),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    ceremony = forms.DateTimeField(
        label=gettext_lazy("Ceremony (date and time)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    venue = forms.CharField(label=gettext_lazy("Venue"), required=False, max_length=200)

    def __init__(self, *args: Any, edition: Edition, **kwargs: Any) -> None:
        local = timezone.localtime
        initial: dict[str, Any] = {"venue": edition.venue}
        for name, moment in (
            ("nominations_close", edition.nominations_close_at),
            ("supplement_close", edition.supplement_close_at),
        ):
            if moment is not None:
                initial[name] = local(moment).date()
                initial[f"{name}_time"] = local(moment).time().replace(second=0, microsecond=0)
        if edition.ceremony_at is not None:
            initial["ceremony"] = local(edition.ceremony_at).replace(tzinfo=None)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.edition = edition
        if edition.phase not in DEADLINE_PHASES:
            for name in ("nominations_close", "supplement_close"):
                self.fields[name].disabled = True
                self.fields[f"{name}_time"].disabled = True

    @property
    def deadlines_locked(self) -> bool:
        return self.edition.phase not in DEADLINE_PHASES

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        ceremony = data["ceremony"]
        stored_ceremony = self.edition.ceremony_at
        if stored_ceremony is not None and ceremony == timezone.localtime(stored_ceremony).replace(
            second=0, microsecond=0
        ):
            ceremony = stored_ceremony
        moments: dict[str, Any] = {"ceremony_at": ceremony, "venue": data["venue"]}
        if not self.deadlines_locked:
            for name in ("nominations_close", "supplement_close"):
                stored = getattr(self.edition, f"{name}_at")
                given = _at(data[name], data[f"{name}_time"])
                if stored is not None and given == timezone.localtime(stored).replace(
                    second=0, microsecond=0
                ):
                    given = stored  # the same minute as before: unchanged, to the second
                else:
                    given = given.replace(second=59)  # "until 23:59" lasts the whole minute
                moments[f"{name}_at"] = given
        return moments


class OpenNominationsForm(forms.Form):
    off_cadence = forms.BooleanField(
        label=gettext_lazy("Open although the year is off the cadence"), required=False
    )


class MunicipalityField(forms.CharField):
    """A municipality written as people write it, resolved through the register."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"list": "municipality-names", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            match = resolve(text)
        except MunicipalityNotFound as exc:
            raise forms.ValidationError(exc.message) from None
        return Municipality.objects.get(code=match.code)


class ContactForm(forms.Form):
    municipality = MunicipalityField(label=gettext_lazy("Municipality"))
    email = forms.EmailField(label=gettext_lazy("Contact's e-mail address"))
    name = forms.CharField(label=gettext_lazy("Contact's name (optional)"), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this nomination spam?"),
        max_length=500,
        widget=forms.TextInput(),
    )


class FieldFilterForm(forms.Form):
    county = forms.ChoiceField(label=gettext_lazy("County"), required=False)
    response = forms.ChoiceField(
        label=gettext_lazy("Answer"),
        required=False,
        choices=[("", gettext_lazy("All")), *Response.choices],
    )
    q = forms.CharField(label=gettext_lazy("Municipality name"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county_field = self.fields["county"]
        assert isinstance(county_field, forms.ChoiceField)
        county_field.choices = [("", _("All counties"))] + [
            (c.code, c.name) for c in County.objects.order_by("sort_key")
        ]


class NominationFilterForm(FieldFilterForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["response"]
        self.fields["q"].label = gettext_lazy("Search the texts")
        status_field = self.fields["status"]
        assert isinstance(status_field, forms.ChoiceField)
        status_field.choices = [("", _("All")), *NominationStatus.choices]


class ContactSignInForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        help_text=gettext_lazy("The address the organiser registered for your municipality."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ContributionForm(forms.Form):
    """The municipality's own answers: a field per question of the edition, named by its key,
    none required, each up to twice a nominator's limit."""

    def __init__(self, *args: Any, questions: Sequence[NominationQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question.key] = answer_field(
                question, limit=question.contribution_max_length, required=False, rows=8
            )

    def answers(self) -> dict[str, str]:
        return {q.key: self.cleaned_data.get(q.key) or "" for q in self.questions}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF document"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": gettext_lazy("Choose a PDF file to add.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A PDF file of at most %(size)s MB; at most %(count)s documents in all."
        ) % {
            "size": settings.KOMMUNPRIS_ATTACHMENT_MAX_BYTES // 1024 // 1024,
            "count": settings.KOMMUNPRIS_ATTACHMENT_MAX_COUNT,
        }

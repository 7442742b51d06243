"""Forms of an edition's schedule: the organiser's reminder settings and the chair's last day of
a scoring round. They validate input; kommunpris.reminders.services does the writing."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kommunpris.reminders.models import RoundDeadline
from kommunpris.reminders.selectors import Plan


class ReminderSettingsForm(forms.Form):
    contact_days_before = forms.IntegerField(
        label=gettext_lazy("Municipality contacts: days before their last day"),
        help_text=gettext_lazy(
            "To contacts whose municipality has not answered or has not added its own text. "
            "Sent from 08:00 on that day. Empty: no reminder."
        ),
        required=False,
        min_value=1,
    )
    juror_days_before = forms.IntegerField(
        label=gettext_lazy("Jurors: days before a round's last day"),
        help_text=gettext_lazy(
            "To jurors with score sheets left to submit, for each round the chair has given a "
            "last day. Sent from 08:00 on that day. Empty: no reminder."
        ),
        required=False,
        min_value=1,
    )
    nominator_hours_before = forms.IntegerField(
        label=gettext_lazy("Nominators: hours before the confirmation link stops working"),
        help_text=gettext_lazy(
            "To people who sent a nomination but have not followed its link; one reminder per "
            "address and edition. Empty: no reminder."
        ),
        required=False,
        min_value=1,
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "contact_days_before": plan.contact_days_before,
                "juror_days_before": plan.juror_days_before,
                "nominator_hours_before": plan.nominator_hours_before,
            },
        )
        super().__init__(*args, **kwargs)


class RoundDeadlineForm(forms.Form):
    closes_on = forms.DateField(
        label=gettext_lazy("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    closes_time = forms.TimeField(
        label=gettext_lazy("Until (time of day)"),
        initial=time(23, 59),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args: Any, deadline: RoundDeadline | None, **kwargs: Any) -> None:
        if deadline is not None:
            local = timezone.localtime(deadline.closes_at)
            kwargs.setdefault(
                "initial",
                {"closes_on": local.date(), "closes_time": local.time().replace(second=0)},
            )
        super().__init__(*args, **kwargs)

    def closes_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["closes_on"], data["closes_time"]))

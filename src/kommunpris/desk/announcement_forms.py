"""The chair's form for the publication time of the nominees or the finalists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommunpris.nominations.models import Stage

# Each stage's form names its stage, so the two forms on the page are told apart by their labels.
LABELS: dict[str, tuple[Promise, Promise]] = {
    Stage.NOMINEE: (
        _("When the nominees become public, Swedish time"),
        _("The time has passed: publish the nominees at once"),
    ),
    Stage.FINALIST: (
        _("When the finalists become public, Swedish time"),
        _("The time has passed: publish the finalists at once"),
    ),
}


class AnnouncementForm(forms.Form):
    """One stage's publication time, with the stage as the form's prefix."""

    publish_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    publish_at_once = forms.BooleanField(required=False)

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        kwargs["prefix"] = stage
        super().__init__(*args, **kwargs)
        when, at_once = LABELS[stage]
        self.fields["publish_at"].label = str(when)
        self.fields["publish_at_once"].label = str(at_once)

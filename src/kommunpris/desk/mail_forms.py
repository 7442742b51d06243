"""Forms of the organiser's mail: a message's text in one language, and a bulk message to a
segment. They read what was typed; kommunpris.mail checks the templates and does the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from kommunpris.mail.bulk import BulkText
from kommunpris.mail.organiser_templates import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH

_BODY = {"rows": 18, "spellcheck": "true"}


class TemplateForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        strip=False,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "true"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        required=False,
        help_text=gettext_lazy(
            "Plain text; a blank line starts a new paragraph. The HTML version of the e-mail is "
            "made from it."
        ),
        widget=forms.Textarea(attrs=_BODY),
    )


class BulkForm(forms.Form):
    segment = forms.ChoiceField(label=gettext_lazy("To"), widget=forms.RadioSelect)
    subject_sv = forms.CharField(
        label=gettext_lazy("Subject"), max_length=SUBJECT_MAX_LENGTH, required=False
    )
    body_sv = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        required=False,
        help_text=gettext_lazy("Plain text; a blank line starts a new paragraph."),
        widget=forms.Textarea(attrs=_BODY),
    )
    subject_en = forms.CharField(
        label=gettext_lazy("Subject in English"),
        max_length=SUBJECT_MAX_LENGTH,
        required=False,
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text in English"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={**_BODY, "rows": 10}),
    )

    def __init__(self, *args: Any, segments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segments  # type: ignore[attr-defined]

    def text(self) -> BulkText:
        data = self.cleaned_data
        return BulkText(
            subject_sv=data["subject_sv"],
            body_sv=data["body_sv"],
            subject_en=data["subject_en"],
            body_en=data["body_en"],
        )

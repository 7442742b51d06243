"""The sign-in forms: password, a code from the app, a recovery code, the first code at set-up."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's password check (through every backend, axes first), in the desk's words."""

    error_messages = {
        "invalid_login": _("Sign-in failed: check your e-mail address and password."),
        "inactive": _("This account is closed. Ask the organiser if you need it again."),
    }


class CodeForm(forms.Form):
    """Six digits from the authenticator app (spaces allowed, as some apps show 123 456)."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        error_messages={"required": _("Enter the six-digit code the app shows now.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code has six digits, for example 123456."))
        return code


class RecoveryCodeForm(forms.Form):
    """One of the ten recovery codes (letters and digits, dashes and spaces ignored)."""

    code = forms.CharField(
        label=_("Recovery code"),
        max_length=40,
        error_messages={"required": _("Enter one of your recovery codes.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

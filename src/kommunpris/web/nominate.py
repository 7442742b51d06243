"""The public call for nominations: the form, the confirmation link and the privacy notice.

Thin views over kommunpris.nominations: the form resolves the municipality through the register,
refuses spam (honeypot, cache-backed rate limits, CSRF) with a message a person can act on, and
leaves every write to the nominations services.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kommunpris import errors
from kommunpris.awards.models import Award
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.nominations import selectors, throttle
from kommunpris.nominations.models import NominationQuestion, NominationStatus
from kommunpris.nominations.questions import questions_of
from kommunpris.nominations.services import (
    MAIL_KEPT_DAYS,
    UNCONFIRMED_KEPT_DAYS,
    NominationError,
    NominationsClosed,
    confirm_nomination,
    nomination_from_link,
    submit_nomination,
)
from kommunpris.nominations.tokens import LinkError, LinkUsed
from kommunpris.operations.client_address import client_address
from kommunpris.register.models import Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolve

logger = logging.getLogger("kommunpris.nominations")
SENT_SESSION_KEY = "nomination_sent"
CONFIRMED_SESSION_KEY = "nomination_confirmed"
HONEYPOT_FIELD = "website"


class AnswerField(forms.CharField):
    """Free text whose line breaks count as one character, as the counter shows them."""

    default_error_messages = {
        "max_length": gettext_lazy(
            "Shorten the answer to at most %(limit_value)d characters (it has %(show_value)d)."
        )
    }

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return text.replace("\r\n", "\n").replace("\r", "\n")


def answer_field(
    question: NominationQuestion, *, limit: int, required: bool, rows: int = 7
) -> AnswerField:
    """A field for one question of the call: its text as the label (marked optional where the
    page says fields are required), its hint, its length limit (shown by a counter, never cut
    by the browser)."""
    label = question.text
    if not required and question.required is False:
        label = _("%(question)s (optional)") % {"question": label}
    field = AnswerField(
        label=label,
        help_text=question.hint,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": _("Answer the question “%(question)s”.") % {"question": question.text}
        },
    )
    # The counter tells people the limit; the browser must not cut pasted text silently.
    field.widget.attrs.pop("maxlength", None)
    return field


class NominationForm(forms.Form):
    municipality = forms.CharField(
        label=gettext_lazy("Municipality"),
        help_text=gettext_lazy("Write the municipality's name, e.g. Sundsvall or Region Gotland."),
        max_length=100,
        error_messages={"required": gettext_lazy("Write which municipality you nominate.")},
        widget=forms.TextInput(
            attrs={"list": "municipality-names", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    municipality_choice = forms.CharField(required=False, max_length=100)
    nominator_name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Write your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    nominator_email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        help_text=gettext_lazy("We send a link here; the nomination counts once you follow it."),
        error_messages={
            "required": gettext_lazy("Write your e-mail address."),
            "invalid": gettext_lazy("Write an e-mail address like name@example.se."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    nominator_organisation = forms.CharField(
        label=gettext_lazy("Your organisation (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I have read the privacy notice and agree that my name, e-mail address and "
            "nomination are kept as it describes."
        ),
        error_messages={
            "required": gettext_lazy(
                "Tick the box to agree to the privacy notice; without it we cannot take the "
                "nomination."
            )
        },
    )
    # Hidden from people by CSS; programs that fill in every field give themselves away.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))

    def __init__(self, *args: Any, questions: Sequence[NominationQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates: list[str] = []
        self.municipality_found: Municipality | None = None
        # The edition's questions, each a field named by its key, after the municipality.
        self.questions = list(questions)
        fields = list(self.fields.items())
        self.fields.clear()
        for name, field in fields:
            self.fields[name] = field
            if name == "municipality_choice":
                for question in self.questions:
                    self.fields[question.key] = answer_field(
                        question, limit=question.max_length, required=question.required
                    )

    @property
    def answer_fields(self) -> list[forms.BoundField]:
        return [self[question.key] for question in self.questions]

    def answers(self) -> dict[str, str]:
        return {q.key: self.cleaned_data.get(q.key) or "" for q in self.questions}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        written = (data.get("municipality_choice") or data.get("municipality") or "").strip()
        if not written:
            return data
        try:
            match = resolve(written)
        except MunicipalityNotFound as exc:
            self.candidates = exc.candidates
            if exc.ambiguous:
                message = _("“%(name)s” could be several municipalities. Choose the one you mean.")
            elif exc.candidates:
                message = _(
                    "There is no municipality called “%(name)s”. Choose one of the closest "
                    "below, or correct the name."
                )
            else:
                message = _(
                    "There is no municipality called “%(name)s”. Write the municipality's name, "
                    "e.g. Sundsvall."
                )
            self.add_error("municipality", message % {"name": written})
            return data
        self.municipality_found = Municipality.objects.get(code=match.code)
        data["municipality"] = match.name
        return data


def _award() -> Award:
    try:
        return award()
    except AwardNotFound:
        raise Http404(_("The archive has not been loaded yet.")) from None


def _language() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def _form_page(
    request: HttpRequest,
    form: NominationForm,
    edition: Any,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/nominate/form.html",
        {
            "form": form,
            "edition": edition,
            "refusal": refusal,
            "names": Municipality.objects.order_by("sort_key").values_list("name", flat=True),
            "honeypot": HONEYPOT_FIELD,
            "valid_hours": settings.KOMMUNPRIS_NOMINATION_LINK_HOURS,
        },
        status=status,
    )


def _address_and_connection(request: HttpRequest, email: str) -> str:
    return f"{email.strip().lower()} {client_address(request)}"


def _reserve_nomination(request: HttpRequest, email: str) -> throttle.Reservation:
    """The connection's limit, and the sender's own repeats: an address from one connection
    (nothing about what others sent with the address)."""
    limits = settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS
    return throttle.reserve_for_sender(
        "nominate",
        connection=client_address(request),
        address=_address_and_connection(request, email) if email else "",
        per_connection=limits["ip"],
        per_address=limits["email"],
    )


def _refusal_for_rate(limited: throttle.Limited, email: str) -> str:
    if limited.by_connection:
        return _(
            "Your nomination was not sent: very many nominations have come from your "
            "connection in a short time. Wait an hour and send it again; what you wrote is "
            "still in the form."
        )
    return _(
        "Your nomination was not sent: %(email)s has already sent many nominations within "
        "an hour. Wait an hour and send it again; what you wrote is still in the form."
    ) % {"email": email}


def _address_flood_limit(email: str) -> throttle.Limit:
    """Many texts for one address from anywhere within the window: the address's mailbox is
    spared more, silently — telling the sender would tell them someone used the address."""
    count, window = settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS["address"]
    return throttle.Limit("nominate-address", email.strip().lower(), count, window)


def _remember_sent(
    request: HttpRequest, municipality: Municipality, email: str, edition: Any
) -> None:
    """What the next page says: the same for every address, whatever it has sent before."""
    request.session[SENT_SESSION_KEY] = {
        "municipality": municipality.name,
        "email": email.strip().lower(),
        "edition": edition.title,
    }


@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest) -> HttpResponse:
    the_award = _award()
    edition = selectors.open_edition(the_award)
    if edition is None:
        refused = request.method == "POST"
        return render(
            request,
            "web/nominate/closed.html",
            {"award": the_award, "call": selectors.next_call(the_award), "refused": refused},
            status=errors.Conflict.status if refused else 200,
        )
    questions = questions_of(edition)
    if request.method != "POST":
        return _form_page(request, NominationForm(questions=questions), edition)

    form = NominationForm(request.POST, questions=questions)
    if request.POST.get(HONEYPOT_FIELD):
        refusal = _(
            "Your nomination was not sent: the field “Leave this field empty” was filled in, "
            "which is what automated spam programs do. If you are a person, send the form "
            "again — that field is empty now and what you wrote is still in the form."
        )
        form.is_valid()  # so the form shows what was written
        return _form_page(request, form, edition, refusal=refusal, status=400)
    email = request.POST.get("nominator_email", "").strip()
    # The uses are taken before anything else, atomically, and given back if the nomination
    # is refused for another reason: only accepted nominations count.
    try:
        reservation = _reserve_nomination(request, email)
    except throttle.Limited as limited:
        form.is_valid()
        return _form_page(
            request, form, edition, refusal=_refusal_for_rate(limited, email), status=429
        )
    if not form.is_valid() or form.municipality_found is None:
        reservation.give_back()
        return _form_page(request, form, edition, status=400)

    data = form.cleaned_data
    try:
        address_use = throttle.reserve(_address_flood_limit(data["nominator_email"]))
    except throttle.Limited:
        # The connection's uses stay taken; the sender is told what every sender is told.
        logger.warning("A nomination was not taken: its address has had many in the last hour.")
        _remember_sent(request, form.municipality_found, data["nominator_email"], edition)
        return redirect("nominate-sent")
    reservation.keys += address_use.keys
    try:
        submit_nomination(
            edition=edition,
            municipality=form.municipality_found,
            answers=form.answers(),
            nominator_name=data["nominator_name"],
            nominator_email=data["nominator_email"],
            nominator_organisation=data["nominator_organisation"],
            language=_language(),
        )
    except NominationsClosed as exc:
        reservation.give_back()
        return render(
            request,
            "web/nominate/closed.html",
            {
                "award": the_award,
                "call": selectors.next_call(the_award),
                "refused": True,
                "message": str(exc),
            },
            status=errors.http_status(exc),
        )
    except NominationError as exc:
        reservation.give_back()
        form.add_error(None, str(exc))
        return _form_page(request, form, edition, status=errors.http_status(exc))
    _remember_sent(request, form.municipality_found, data["nominator_email"], edition)
    return redirect("nominate-sent")


def nominate_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/nominate/sent.html",
        {
            "sent": request.session.get(SENT_SESSION_KEY),
            "valid_hours": settings.KOMMUNPRIS_NOMINATION_LINK_HOURS,
        },
    )


def _link_problem(request: HttpRequest, error: LinkError) -> HttpResponse:
    nomination = error.nomination if isinstance(error, LinkUsed) else None
    return render(
        request,
        "web/nominate/link_problem.html",
        {
            "kind": error.kind,
            "nomination": nomination,
            "valid_hours": settings.KOMMUNPRIS_NOMINATION_LINK_HOURS,
        },
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link confirms (mail scanners that follow links change nothing);
    the button POSTs and the nomination counts."""
    if request.method != "POST":
        try:
            linked = nomination_from_link(token)
        except LinkError as exc:
            return _link_problem(request, exc)
        return render(
            request,
            "web/nominate/confirm.html",
            {
                "nomination": linked.nomination,
                "text": linked.text,
                "questions": questions_of(linked.nomination.edition),
                "replaces": linked.nomination.status == NominationStatus.CONFIRMED,
            },
        )
    try:
        confirmed = confirm_nomination(token=token)
    except LinkError as exc:
        return _link_problem(request, exc)
    except NominationsClosed as exc:
        return render(
            request, "web/nominate/link_problem.html", {"kind": "closed", "message": str(exc)}
        )
    edition = confirmed.nomination.edition
    request.session[CONFIRMED_SESSION_KEY] = {
        "municipality": confirmed.nomination.municipality.name,
        "edition": edition.pk,
        "first_time": confirmed.first_time,
    }
    return HttpResponseRedirect(reverse("nominate-confirmed"))


def confirmed(request: HttpRequest) -> HttpResponse:
    done = request.session.get(CONFIRMED_SESSION_KEY)
    the_award = _award()
    edition = None
    if done:
        edition = selectors.editions_with_a_call(the_award).filter(pk=done["edition"]).first()
    return render(request, "web/nominate/confirmed.html", {"done": done, "edition": edition})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/nominate/privacy.html",
        {
            "award": _award(),
            "retention_days": settings.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS,
            "unconfirmed_days": UNCONFIRMED_KEPT_DAYS,
            "mail_kept_days": MAIL_KEPT_DAYS,
            "valid_hours": settings.KOMMUNPRIS_NOMINATION_LINK_HOURS,
            "privacy_contact": settings.KOMMUNPRIS_PRIVACY_CONTACT,
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Any form refused by the CSRF check: say what happened and what to do, not a bare 403."""
    return render(request, "web/nominate/csrf_failure.html", {}, status=403)

"""The organiser's mail of one edition: every message the platform sends, with its Swedish and
English text to edit, preview with the edition's real data, test on themselves and take back to
the platform's text; and the edition's bulk mailings. Thin views over kommunpris.mail."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris.awards.models import Edition
from kommunpris.errors import http_status
from kommunpris.mail import bulk, catalogue
from kommunpris.mail.templates_service import (
    MailConflict,
    MailTemplateInvalid,
    Preview,
    TemplateText,
    messages_of,
    preview,
    reset_template,
    save_template,
    send_test,
    template_text,
)

from .confirmation import Confirmation, ask, is_confirmed
from .mail_forms import TemplateForm
from .mail_views import mail_editions, organiser_only

# A link to a language names it in itself; sentences use catalogue.LANGUAGE_NAMES.
OWN_NAMES = {"sv": "svenska", "en": "English"}
LANGUAGE_NAMES = catalogue.LANGUAGE_NAMES


def edition_of(year: int) -> Edition:
    found = next((e for e in mail_editions() if e.year == year), None)
    if found is None:
        raise Http404(_("There is no edition %(year)s with e-mail of its own.") % {"year": year})
    return found


def _text(edition: Edition, message: str, language: str) -> TemplateText:
    if language not in catalogue.LANGUAGES:
        raise Http404(_("There is no such language."))
    try:
        return template_text(edition, message, language)
    except MailTemplateInvalid:
        raise Http404(_("There is no such message.")) from None


@organiser_only
def edition_mail(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_of(year)
    return render(
        request,
        "desk/mail/edition.html",
        {
            "edition": edition,
            "rows": [
                (row.message, [(code, LANGUAGE_NAMES[code], own) for code, own in row.own.items()])
                for row in messages_of(edition)
            ],
            "mailings": list(bulk.mailings(edition)[:50]),
            "languages": LANGUAGE_NAMES,
        },
    )


def _template_page(
    request: HttpRequest,
    edition: Edition,
    text: TemplateText,
    form: TemplateForm,
    *,
    shown: Preview | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "desk/mail/template.html",
        {
            "edition": edition,
            "text": text,
            "message": text.message,
            "language": text.language,
            "language_name": LANGUAGE_NAMES[text.language],
            "languages": OWN_NAMES,
            "form": form,
            "preview": shown,
            "error": error,
        },
        status=status,
    )


@organiser_only
@require_http_methods(["GET", "POST"])
def template(request: HttpRequest, year: int, message: str, language: str) -> HttpResponse:
    edition = edition_of(year)
    text = _text(edition, message, language)
    if request.method != "POST":
        form = TemplateForm(initial={"subject": text.subject, "body": text.body})
        return _template_page(request, edition, text, form)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        return _template_page(request, edition, text, form, status=400)
    subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
    key, language = text.message.key, text.language
    action = request.POST.get("action", "preview")
    try:
        if action == "save":
            saved = save_template(
                edition=edition,
                key=key,
                language=language,
                subject=subject,
                body=body,
                actor=request.user,
            )
            messages.success(request, _saved_note(edition, language, mine=saved is not None))
            return redirect(request.path)
        if action == "test":
            sent = send_test(
                edition=edition,
                key=key,
                language=language,
                subject=subject,
                body=body,
                actor=request.user,
            )
            messages.success(
                request,
                _(
                    "A test was sent to %(to)s with the preview's data. Your text is not saved "
                    "until you save it."
                )
                % {"to": sent.to},
            )
            return _template_page(request, edition, text, form)
        shown = preview(edition=edition, key=key, language=language, subject=subject, body=body)
    except MailTemplateInvalid as exc:
        return _template_page(request, edition, text, form, error=str(exc), status=http_status(exc))
    return _template_page(request, edition, text, form, shown=shown)


def _saved_note(edition: Edition, language: str, *, mine: bool) -> str:
    if not mine:
        return _("The text is the platform's own: %(edition)s sends it as it stands.") % {
            "edition": edition.title
        }
    return _("Saved. Messages of %(edition)s in %(language)s are now sent with your text.") % {
        "edition": edition.title,
        "language": LANGUAGE_NAMES[language],
    }


@organiser_only
@require_POST
def template_reset(request: HttpRequest, year: int, message: str, language: str) -> HttpResponse:
    edition = edition_of(year)
    text = _text(edition, message, language)
    back = reverse(
        "desk:mail-template",
        kwargs={"year": year, "message": text.message.slug, "language": text.language},
    )
    if not text.is_own:
        messages.info(request, _("This message already has the platform's own text."))
        return redirect(back)
    if not is_confirmed(request):
        return ask(
            request,
            Confirmation(
                title=_("Go back to the platform's text?"),
                happens=[
                    _(
                        "Your text of “%(message)s” in %(language)s is removed; %(edition)s "
                        "sends the platform's own text again."
                    )
                    % {
                        "message": text.message.title,
                        "language": LANGUAGE_NAMES[text.language],
                        "edition": edition.title,
                    },
                    _("Messages already sent keep the text they were sent with."),
                ],
                cannot_undo=_(
                    "Your text is not kept. Copy it first if you may want it again (the audit "
                    "log keeps it too)."
                ),
                button=_("Yes, use the platform's text"),
                back=back,
            ),
        )
    try:
        reset_template(
            edition=edition, key=text.message.key, language=text.language, actor=request.user
        )
    except MailConflict as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("The platform's own text is used again."))
    return redirect(back)

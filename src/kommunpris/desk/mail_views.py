"""The organiser's e-mail page: each edition's messages (kommunpris.desk.mail_template_views), and
the e-mail the worker gave up on, with a way to send it again."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunpris.awards.models import Edition
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.mail import selectors
from kommunpris.mail.services import MailError, retry_given_up
from kommunpris.nominations.selectors import editions_with_a_call
from kommunpris.permissions.mail import may_manage_mail

from .paging import page_of
from .session import signed_in_user

View = Callable[..., HttpResponse]


def organiser_only(view: View) -> View:
    """Signed-in organisers only: others are sent to sign in, or told they may not."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_manage_mail(request.user):
            return render(request, "desk/nominations/forbidden.html", {}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def mail_editions() -> list[Edition]:
    """Editions with messages of their own: every edition with a call, newest first."""
    try:
        return list(editions_with_a_call(award()))
    except AwardNotFound:
        return []


@organiser_only
def mail(request: HttpRequest) -> HttpResponse:
    state = selectors.mail_state()
    shown = page_of(request, state.given_up)
    return render(
        request,
        "desk/mail.html",
        {
            "state": state,
            "given_up": shown.object_list,
            "page": shown,
            "query": "",
            "editions": mail_editions(),
        },
    )


@organiser_only
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.given_up_mail(pk)
    if found is None:
        raise Http404(_("There is no such message waiting to be sent again."))
    try:
        retry_given_up(mail=found, actor=signed_in_user(request))
    except MailError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The message to %(to)s will be sent again within a minute.") % {"to": found.to},
        )
    return redirect("desk:mail")

"""What every page of the nominations desk needs: the organiser check, the award and the
edition of the URL, the list filters."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from kommunpris.awards.models import Award, Edition
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.nominations import selectors
from kommunpris.permissions.nominations import may_manage_nominations
from kommunpris.register.models import Municipality

from ..nominations_forms import FieldFilterForm

View = Callable[..., HttpResponseBase]


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/nominations/forbidden.html", {}, status=403)


def organiser_required(view: View) -> View:
    """Signed-in organisers only: others are sent to sign in, or told they may not."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_manage_nominations(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


def call_award() -> Award:
    try:
        return award()
    except AwardNotFound:
        raise Http404(_("The archive has not been loaded yet.")) from None


def call_edition(year: int) -> Edition:
    found = selectors.editions_with_a_call(call_award()).filter(year=year).first()
    if found is None:
        raise Http404(
            _("There is no edition %(year)s with a call for nominations.") % {"year": year}
        )
    return found


def municipality_names() -> Any:
    return Municipality.objects.order_by("sort_key").values_list("name", flat=True)


def chosen_filters(form: FieldFilterForm) -> dict[str, str]:
    if not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v}

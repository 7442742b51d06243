"""The organiser's editions: create one, open, close and reopen its call, change its dates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris import dates
from kommunpris.awards.models import Edition, Phase
from kommunpris.awards.services import (
    CEREMONY_PHASES,
    EditionError,
    OffCadence,
    change_edition,
    check_close_nominations,
    close_nominations,
    create_edition,
    open_nominations,
    reopen_nominations,
)
from kommunpris.errors import http_status
from kommunpris.nominations import selectors

from ..confirmation import Confirmation, ask, is_confirmed, is_revising
from ..nominations_forms import EditionChangeForm, EditionForm, OpenNominationsForm
from ..session import signed_in_user
from ._common import call_award, call_edition, organiser_required


def _editions_page(
    request: HttpRequest, form: EditionForm | None = None, status: int = 200
) -> HttpResponse:
    the_award = call_award()
    now = timezone.now()
    editions = [
        (
            e,
            the_award.is_on_cadence(e.year),
            e.phase == Phase.NOMINATIONS_CLOSED
            and e.nominations_close_at is not None
            and e.nominations_close_at > now,
        )
        for e in selectors.editions_with_a_call(the_award)
    ]
    return render(
        request,
        "desk/nominations/editions.html",
        {
            "award": the_award,
            "editions": editions,
            "editable_phases": CEREMONY_PHASES,
            "form": form or EditionForm(),
            "open_form": OpenNominationsForm(),
        },
        status=status,
    )


@organiser_required
def editions(request: HttpRequest) -> HttpResponse:
    return _editions_page(request)


@organiser_required
@require_POST
def edition_create(request: HttpRequest) -> HttpResponse:
    form = EditionForm(request.POST)
    if not form.is_valid():
        return _editions_page(request, form, status=400)
    try:
        edition = create_edition(
            award=call_award(),
            year=form.cleaned_data["year"],
            venue=form.cleaned_data["venue"] or None,
            allow_off_cadence=form.cleaned_data["off_cadence"],
            actor=signed_in_user(request),
            **form.deadlines(),
        )
    except OffCadence as exc:
        form.add_error(
            "off_cadence",
            _("%(refusal)s Tick the box to make the exception.") % {"refusal": str(exc)},
        )
        return _editions_page(request, form, status=http_status(exc))
    except EditionError as exc:
        form.add_error(None, str(exc))
        return _editions_page(request, form, status=http_status(exc))
    messages.success(
        request,
        _("%(title)s is created as a draft. Open the call for nominations when you are ready.")
        % {"title": edition.title},
    )
    return redirect("desk:nominations")


@organiser_required
@require_POST
def edition_open(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    form = OpenNominationsForm(request.POST)
    form.is_valid()
    try:
        open_nominations(
            edition=edition,
            actor=signed_in_user(request),
            allow_off_cadence=bool(form.cleaned_data.get("off_cadence")),
        )
    except OffCadence as exc:
        messages.error(
            request, _("%(refusal)s Tick the box to make the exception.") % {"refusal": str(exc)}
        )
    except EditionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The call for nominations for %(title)s is open.") % {"title": edition.title}
        )
    return redirect("desk:nominations")


@organiser_required
@require_POST
def edition_close(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    if not is_confirmed(request):
        try:
            check_close_nominations(edition=edition)
        except EditionError as exc:
            messages.error(request, str(exc))
            return redirect("desk:nominations")
        return ask(request, _close_confirmation(request, edition))
    try:
        close_nominations(edition=edition, actor=signed_in_user(request))
    except EditionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The call for nominations for %(title)s is closed.") % {"title": edition.title},
        )
    return redirect("desk:nominations")


def _close_confirmation(request: HttpRequest, edition: Edition) -> Confirmation:
    deadline = edition.nominations_close_at
    early = deadline is not None and deadline > timezone.now()
    counts = selectors.counts(edition)
    happens = [
        _("The nomination form stops taking nominations for %(title)s at once.")
        % {"title": edition.title},
        _(
            "Nominations already sent can still be confirmed by their link; %(pending)s are "
            "waiting for that now."
        )
        % {"pending": counts["pending"]},
        _(
            "Municipality contacts can still answer and add material until %(when)s; the "
            "jury's work starts after that."
        )
        % {"when": dates.moment(edition.supplement_close_at)},
    ]
    return Confirmation(
        title=_("Close the call for nominations for %(title)s?") % {"title": edition.title},
        happens=happens,
        can_undo=_(
            "The published last day is %(when)s. Until then you can open the call again; "
            "after it, closing cannot be undone."
        )
        % {"when": dates.moment(deadline)}
        if early
        else "",
        cannot_undo=""
        if early
        else _("The last day for nominations has passed: the call cannot be opened again."),
        button=_("Yes, close the call now"),
        back=reverse("desk:nominations"),
    )


@organiser_required
@require_POST
def edition_reopen(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    try:
        reopen_nominations(edition=edition, actor=signed_in_user(request))
    except EditionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The call for nominations for %(title)s is open again until %(when)s.")
            % {"title": edition.title, "when": dates.moment(edition.nominations_close_at)},
        )
    return redirect("desk:nominations")


@organiser_required
@require_http_methods(["GET", "POST"])
def edition_edit(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    if edition.phase not in CEREMONY_PHASES:
        messages.info(
            request,
            _("%(title)s is announced; its dates and venue are history now.")
            % {"title": edition.title},
        )
        return redirect("desk:nominations")
    form = EditionChangeForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid() and not is_revising(request):
        changes = form.changes()
        ends_call = (
            edition.phase == Phase.NOMINATIONS_OPEN
            and changes.get("nominations_close_at") is not None
            and changes["nominations_close_at"] <= timezone.now()
            and changes["nominations_close_at"] != edition.nominations_close_at
        )
        if ends_call and not is_confirmed(request):
            return ask(
                request,
                Confirmation(
                    title=_("End the call for nominations now?"),
                    happens=[
                        _(
                            "The last day for nominations you gave, %(when)s, has passed: the "
                            "nomination form stops taking nominations at once."
                        )
                        % {"when": dates.moment(changes["nominations_close_at"])},
                    ],
                    can_undo=_("You can move the last day forward again while the call is open."),
                    button=_("Yes, save the dates"),
                    back=reverse("desk:nominations-edition-edit", kwargs={"year": year}),
                    revisable=True,
                ),
            )
        try:
            changed = change_edition(edition=edition, actor=signed_in_user(request), **changes)
        except EditionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The changes to %(title)s are saved.") % {"title": changed.title},
            )
            return redirect("desk:nominations")
    return render(
        request,
        "desk/nominations/edition_edit.html",
        {"edition": edition, "form": form},
        status=400 if form.errors else 200,
    )

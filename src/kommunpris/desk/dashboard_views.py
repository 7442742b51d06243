"""The organiser's dashboard of one edition (/arbetsyta/oversikt/<år>/): the timeline with its
dates, what is due and who has not done it, counts at each stage, mail and reminders, and the
reminder settings. Thin views over kommunpris.reminders (overview, services), asking
kommunpris.permissions.reminders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kommunpris.awards.models import Edition
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.errors import DomainError
from kommunpris.nominations.selectors import editions_with_a_call
from kommunpris.permissions.reminders import (
    may_configure_reminders,
    may_view_dashboard,
    schedule_is_history,
)
from kommunpris.reminders import selectors
from kommunpris.reminders.models import Kind
from kommunpris.reminders.overview import edition_overview
from kommunpris.reminders.services import configure_reminders

from .dashboard_forms import ReminderSettingsForm


def _edition(year: int) -> Edition:
    try:
        found = editions_with_a_call(award()).filter(year=year).first()
    except AwardNotFound:
        found = None
    if found is None:
        raise Http404(
            _("There is no edition %(year)s with a call for nominations.") % {"year": year}
        )
    return found


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/nominations/forbidden.html", {}, status=403)


def _page(
    request: HttpRequest,
    edition: Edition,
    form: ReminderSettingsForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    overview = edition_overview(edition)
    return render(
        request,
        "desk/dashboard/edition.html",
        {
            "edition": edition,
            "o": overview,
            "form": form or ReminderSettingsForm(plan=overview.plan),
            "may_configure": may_configure_reminders(request.user, edition),
            "kinds": [(kind, label, overview.reminder_mail[kind]) for kind, label in Kind.choices],
            "calendar_url": request.build_absolute_uri(
                reverse("edition-calendar", kwargs={"year": edition.year})
            ),
        },
        status=status,
    )


def dashboard(request: HttpRequest, year: int) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    edition = _edition(year)
    if not may_view_dashboard(request.user, edition):
        return _forbidden(request)
    return _page(request, edition)


def reminder_settings(request: HttpRequest, year: int) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    edition = _edition(year)
    if not may_view_dashboard(request.user, edition):
        return _forbidden(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if schedule_is_history(edition):
        messages.info(
            request,
            _("%(title)s is announced; its reminders are history now.") % {"title": edition.title},
        )
        return redirect("desk:dashboard", year=year)
    form = ReminderSettingsForm(request.POST, plan=selectors.plan_of(edition))
    if form.is_valid():
        try:
            configure_reminders(
                edition=edition,
                actor=request.user,
                contact_days_before=form.cleaned_data["contact_days_before"],
                juror_days_before=form.cleaned_data["juror_days_before"],
                nominator_hours_before=form.cleaned_data["nominator_hours_before"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "The reminders of %(title)s are saved. The next run (within a quarter of an "
                    "hour) follows them."
                )
                % {"title": edition.title},
            )
            return redirect(reverse("desk:dashboard", kwargs={"year": year}) + "#reminders")
    return _page(request, edition, form, status=400)

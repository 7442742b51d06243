"""The chair gives a scoring round its last day (/arbetsyta/jury/<år>/omgang/<steg>/sista-dag/);
jurors with sheets left are reminded before it (kommunpris.reminders)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kommunpris import dates
from kommunpris.errors import DomainError
from kommunpris.jury import selectors as jury_selectors
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.permissions.reminders import may_set_round_deadline
from kommunpris.reminders import selectors
from kommunpris.reminders.services import clear_round_deadline, set_round_deadline

from ..dashboard_forms import RoundDeadlineForm
from ._common import jury_for, page


@login_required
@require_http_methods(["GET", "POST"])
def round_deadline(request: HttpRequest, year: int, stage: str) -> HttpResponse:
    jury = jury_for(request, year, chair_only=True)
    edition = jury.edition
    deadline = selectors.round_deadline(edition, stage)
    form = RoundDeadlineForm(request.POST or None, deadline=deadline)
    name = ROUND_NAMES[stage]
    if request.method == "POST":
        try:
            if request.POST.get("action") == "clear":
                clear_round_deadline(edition=edition, stage=stage, actor=jury.user)
                messages.success(
                    request,
                    _("%(round)s has no last day now; no reminder goes out for it.")
                    % {"round": str(name).capitalize()},
                )
                return redirect("desk:jury-round", year=year, stage=stage)
            if form.is_valid():
                saved = set_round_deadline(
                    edition=edition, stage=stage, closes_at=form.closes_at(), actor=jury.user
                )
                messages.success(
                    request,
                    _(
                        "The last day of %(round)s is %(when)s. Jurors with sheets left are "
                        "reminded before it."
                    )
                    % {"round": name, "when": dates.moment(saved.closes_at)},
                )
                return redirect("desk:jury-round", year=year, stage=stage)
        except DomainError as exc:
            form.add_error(None, str(exc))
    plan = selectors.plan_of(edition)
    return page(
        request,
        "round_deadline.html",
        jury,
        {
            "stage": stage,
            "round_name": name,
            "round": jury_selectors.scoring_round(edition, stage),
            "deadline": deadline,
            "form": form,
            "may_set": may_set_round_deadline(jury.user, edition),
            "reminder_days": plan.juror_days_before,
        },
        status=400 if form.errors else 200,
    )

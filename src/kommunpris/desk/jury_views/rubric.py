"""The rubric: every member reads it; the organiser edits it until the first scoring round opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kommunpris.jury import selectors, services
from kommunpris.jury.models import Criterion
from kommunpris.permissions.jury import may_edit_rubric, rubric_is_locked

from ..jury_forms import CriterionForm
from ._common import jury_for, page


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year)
    editable = may_edit_rubric(request.user, jury.edition)
    if request.method == "POST":
        if not editable:
            raise Http404(_("There is no such page."))
        try:
            if "seed" in request.POST:
                services.seed_default_rubric(edition=jury.edition, actor=jury.user)
                messages.success(request, _("The default rubric is in place."))
            elif "remove" in request.POST:
                criterion = Criterion.objects.filter(
                    edition=jury.edition,
                    pk=int(request.POST["remove"]) if request.POST["remove"].isdigit() else 0,
                ).first()
                if criterion is None:
                    raise Http404(_("There is no such criterion."))
                services.remove_criterion(criterion=criterion, actor=jury.user)
                messages.success(request, _("The criterion is removed."))
        except services.JuryError as exc:
            messages.error(request, str(exc))
        return redirect("desk:jury-rubric", year=year)
    criteria = selectors.criteria(jury.edition)
    total = sum(c.weight for c in criteria)
    return page(
        request,
        "rubric.html",
        jury,
        {
            "criteria": [(c, (c.weight / total * 100) if total else 0) for c in criteria],
            "editable": editable,
            "locked": rubric_is_locked(jury.edition),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion(request: HttpRequest, year: int, pk: int | None = None) -> HttpResponse:
    jury = jury_for(request, year)
    if not may_edit_rubric(request.user, jury.edition):
        raise Http404(_("There is no such page."))
    found = None
    if pk is not None:
        found = next((c for c in selectors.criteria(jury.edition) if c.pk == pk), None)
        if found is None:
            raise Http404(_("There is no such criterion."))
    initial = CriterionForm.initial_for(found) if found else None
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if found is None:
                services.add_criterion(edition=jury.edition, data=form.to_input(), actor=jury.user)
            else:
                services.update_criterion(criterion=found, data=form.to_input(), actor=jury.user)
        except services.JuryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The rubric is saved."))
            return redirect("desk:jury-rubric", year=year)
    return page(
        request,
        "criterion.html",
        jury,
        {"form": form, "criterion": found},
        status=400 if form.errors else 200,
    )

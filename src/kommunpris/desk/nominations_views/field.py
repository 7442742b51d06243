"""The organiser's field of an edition: its candidacies, joining them, its nominations and
rejecting spam."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunpris.nominations import selectors
from kommunpris.nominations.services import CandidacyError, join_candidacies, reject_nomination
from kommunpris.register.collation import swedish_sort_key

from ..nominations_forms import FieldFilterForm, NominationFilterForm, RejectForm
from ..paging import page_of, query_without_page
from ..session import signed_in_user
from ._common import call_edition, chosen_filters, organiser_required


@organiser_required
def field(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    form = FieldFilterForm(request.GET or None)
    chosen = chosen_filters(form)
    rows = list(
        selectors.candidacies(
            edition,
            county=chosen.get("county"),
            response=chosen.get("response"),
            search=chosen.get("q"),
        )
    )
    contacts = {c.municipality_id: c for c in selectors.contacts(edition)}
    return render(
        request,
        "desk/nominations/field.html",
        {
            "edition": edition,
            "rows": [(c, [contacts.get(m.code) for m in c.municipalities]) for c in rows],
            "counts": selectors.counts(edition),
            "form": form,
            "query": request.GET.urlencode(),
        },
    )


@organiser_required
@require_POST
def join(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    ids = [int(pk) for pk in request.POST.getlist("candidacy") if pk.isdigit()]
    chosen = sorted(
        selectors.candidacies(edition).filter(pk__in=ids),
        key=lambda c: [swedish_sort_key(m.name) for m in c.municipalities],
    )
    try:
        joined = join_candidacies(candidacies=chosen, actor=signed_in_user(request))
    except CandidacyError as exc:
        messages.error(request, str(exc))
        return redirect("desk:nominations-field", year=year)
    messages.success(request, _("%(name)s now stand together.") % {"name": joined.name})
    return redirect("desk:nominations-candidacy", year=year, pk=joined.pk)


@organiser_required
def candidacy_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = call_edition(year)
    found = selectors.candidacy(edition, pk)
    if found is None:
        raise Http404(_("There is no such candidacy in %(title)s.") % {"title": edition.title})
    codes = [m.code for m in found.municipalities]
    shown = page_of(request, selectors.nominations(edition, candidacy=found))
    return render(
        request,
        "desk/nominations/candidacy.html",
        {
            "edition": edition,
            "candidacy": found,
            "contribution": selectors.contribution_of(found),
            "contacts": list(selectors.contacts(edition).filter(municipality_id__in=codes)),
            "nominations": shown.object_list,
            "page": shown,
            "query": query_without_page(request),
            "reject_form": RejectForm(),
        },
    )


@organiser_required
def nomination_list(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    form = NominationFilterForm(request.GET or None)
    chosen = chosen_filters(form)
    rows = selectors.nominations(
        edition,
        status=chosen.get("status"),
        county=chosen.get("county"),
        search=chosen.get("q"),
    )
    shown = page_of(request, rows)
    return render(
        request,
        "desk/nominations/nominations.html",
        {
            "edition": edition,
            "nominations": shown.object_list,
            "page": shown,
            "counts": selectors.counts(edition),
            "form": form,
            "reject_form": RejectForm(),
            "query": query_without_page(request),
        },
    )


@organiser_required
@require_POST
def reject(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = call_edition(year)
    found = selectors.nomination(edition, pk)
    if found is None:
        raise Http404(_("There is no such nomination in %(title)s.") % {"title": edition.title})
    form = RejectForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("desk:nominations-list", kwargs={"year": year})
    if not form.is_valid():
        messages.error(request, _("Write why the nomination is rejected."))
        return redirect(back)
    try:
        reject_nomination(
            nomination=found, reason=form.cleaned_data["reason"], actor=signed_in_user(request)
        )
    except CandidacyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The nomination of %(name)s by %(by)s is rejected as spam and no longer counts.")
            % {"name": found.municipality.name, "by": found.nominator_name},
        )
    return redirect(back)

"""The jury's overview of an edition, its phases, and the funnel: stages and site visits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunpris.archive.models import Winner
from kommunpris.archive.selectors import winner_members
from kommunpris.awards.models import Phase
from kommunpris.jury import selectors, services
from kommunpris.jury.labels import ROUND_NAMES, STAGE_PLURALS
from kommunpris.jury.models import Decision
from kommunpris.nominations import storage
from kommunpris.nominations.models import Stage
from kommunpris.permissions import decision_is_public
from kommunpris.permissions.jury import in_round, is_frozen, sees_the_whole_final

from ..jury_forms import SiteVisitForm
from ..paging import page_of, query_without_page
from ._common import Jury, jury_for, page


def _decision_for(jury: Jury) -> tuple[Decision | None, Winner | None]:
    """The decision and winner, if the viewer may see them: a member conflicted out of any
    finalist sees that there is a decision, never which finalist won."""
    decision = Decision.objects.filter(edition=jury.edition).first()
    if decision is None or not jury.is_member:
        return None, None
    if not sees_the_whole_final(jury.user, jury.edition):
        return decision, None
    return decision, Winner.objects.filter(edition=jury.edition).prefetch_related(
        winner_members()
    ).first()


@login_required
def edition(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year)
    rounds = selectors.scoring_rounds(jury.edition)
    if jury.is_member:
        counts = dict.fromkeys(Stage.values, 0)
        for candidacy in selectors.candidacies_for(jury.edition, request.user):
            counts[candidacy.stage] += 1
    else:
        counts = selectors.stage_counts(jury.edition)
    decision, winner = _decision_for(jury)
    return page(
        request,
        "edition.html",
        jury,
        {
            "stages": [
                (stage, STAGE_PLURALS[stage], counts[stage], rounds.get(stage), ROUND_NAMES[stage])
                for stage in Stage.values
            ],
            "criteria_count": len(selectors.criteria(jury.edition)),
            "members": selectors.jury_members(jury.edition),
            "decision": decision,
            "winner": winner,
            "winner_hidden": decision is not None and winner is None,
            "public": decision_is_public(jury.edition),
            "may_start_review": jury.edition.phase == Phase.NOMINATIONS_CLOSED
            and (jury.is_chair or jury.is_organiser),
            "may_start_deliberation": jury.edition.phase == Phase.JURY_REVIEW and jury.is_chair,
        },
    )


@login_required
@require_POST
def phase(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year)
    action = request.POST.get("action")
    try:
        if action == "start_review" and (jury.is_chair or jury.is_organiser):
            services.start_jury_review(edition=jury.edition, actor=services.actor_of(jury.user))
            messages.success(request, _("The jury's review has begun."))
        elif action == "start_deliberation" and jury.is_chair:
            services.start_deliberation(edition=jury.edition, by=jury.user)
            messages.success(request, _("Deliberation has begun and the final ballot is open."))
        else:
            raise Http404(_("There is no such page."))
    except services.JuryError as exc:
        messages.error(request, str(exc))
    return redirect("desk:jury-edition", year=year)


@login_required
def candidacies(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year, members_only=True)
    rows = selectors.candidacies_for(jury.edition, request.user)
    return page(
        request,
        "candidacies.html",
        jury,
        {
            "candidacies": rows,
            "may_move": jury.is_chair and jury.edition.phase == Phase.JURY_REVIEW,
            "stages": Stage.choices,
        },
    )


@login_required
def candidacy(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    jury = jury_for(request, year, members_only=True)
    found = selectors.visible_candidacy(jury.edition, request.user, pk)
    if found is None:
        raise Http404(_("There is no such candidacy."))
    rounds = [r for r in selectors.scoring_rounds(jury.edition).values() if in_round(found, r)]
    dossier = selectors.dossier(found)
    return page(
        request,
        "candidacy.html",
        jury,
        {
            "candidacy": found,
            "dossier": dossier,
            "page": page_of(request, dossier.nominations),
            "query": query_without_page(request),
            "rounds": [
                (r, ROUND_NAMES[r.stage]) for r in sorted(rounds, key=lambda r: Stage.rank(r.stage))
            ],
            "notes": selectors.site_visit_notes(found) if found.stage == Stage.FINALIST else [],
            "visit_form": SiteVisitForm()
            if found.stage == Stage.FINALIST and not is_frozen(jury.edition)
            else None,
            "may_move": jury.is_chair and jury.edition.phase == Phase.JURY_REVIEW,
            "stages": Stage.choices,
        },
    )


@login_required
@require_POST
def move(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    jury = jury_for(request, year, members_only=True)
    found = selectors.visible_candidacy(jury.edition, request.user, pk)
    if found is None:
        raise Http404(_("There is no such candidacy."))
    try:
        services.move_candidacy(candidacy=found, stage=request.POST.get("stage", ""), by=jury.user)
    except services.JuryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(stage)s.")
            % {"name": found.name, "stage": Stage(found.stage).label.lower()},
        )
    if request.POST.get("back") == "candidacy":
        return redirect("desk:jury-candidacy", year=year, pk=pk)
    return redirect("desk:jury-candidacies", year=year)


@login_required
@require_POST
def site_visit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    jury = jury_for(request, year, members_only=True)
    found = selectors.visible_candidacy(jury.edition, request.user, pk)
    if found is None:
        raise Http404(_("There is no such candidacy."))
    form = SiteVisitForm(request.POST)
    if form.is_valid():
        try:
            services.add_site_visit_note(
                candidacy=found,
                author=jury.user,
                body=form.cleaned_data["body"],
                visited_on=form.cleaned_data["visited_on"],
            )
        except services.JuryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The site-visit note is shared with the jury."))
            return redirect("desk:jury-candidacy", year=year, pk=pk)
    rounds = [r for r in selectors.scoring_rounds(jury.edition).values() if in_round(found, r)]
    dossier = selectors.dossier(found)
    return page(
        request,
        "candidacy.html",
        jury,
        {
            "candidacy": found,
            "dossier": dossier,
            "page": page_of(request, dossier.nominations),
            "query": query_without_page(request),
            "rounds": [(r, ROUND_NAMES[r.stage]) for r in rounds],
            "notes": selectors.site_visit_notes(found),
            "visit_form": form,
            "may_move": False,
            "stages": Stage.choices,
        },
        status=400,
    )


@login_required
def attachment(request: HttpRequest, year: int, pk: int, attachment_pk: int) -> HttpResponseBase:
    """A municipality's PDF, for the jury members who may see its candidacy."""
    jury = jury_for(request, year, members_only=True)
    found = selectors.visible_candidacy(jury.edition, request.user, pk)
    if found is None:
        raise Http404(_("There is no such candidacy."))
    pdf = next((a for a in selectors.dossier(found).attachments if a.pk == attachment_pk), None)
    if pdf is None:
        raise Http404(_("There is no such attachment."))
    try:
        handle = storage.open_file(pdf.stored_name)
    except FileNotFoundError:
        raise Http404(_("There is no such attachment.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=pdf.original_name, content_type="application/pdf"
    )
    return response

"""The jury's overview of an edition, its phases, and the funnel: stages and site visits."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
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
from kommunpris.permissions.jury import (
    in_round,
    is_frozen,
    may_lead,
    may_start_review,
    sees_the_whole_final,
)

from .. import next_steps
from ..confirmation import Confirmation, is_confirmed
from ..jury_forms import LanguageForm, SiteVisitForm
from ..paging import page_of, query_without_page
from ._common import Jury, ask, jury_for, page

UNDO_MOVE = "jury_last_move"


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


def _reached(current: dict[str, int]) -> dict[str, int]:
    """How many candidacies have reached each stage: a finalist has been a nominee too."""
    return {
        stage: sum(n for later, n in current.items() if Stage.rank(later) >= Stage.rank(stage))
        for stage in current
    }


def _refusal(check: Callable[[], object]) -> str:
    try:
        check()
    except services.JuryError as exc:
        return str(exc)
    return ""


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
    reached = _reached(counts)
    decision, winner = _decision_for(jury)
    edition = jury.edition
    may_start = edition.phase == Phase.NOMINATIONS_CLOSED and may_start_review(jury.user, edition)
    may_start_deliberation = edition.phase == Phase.JURY_REVIEW and may_lead(jury.user, edition)
    if jury.seat is not None:
        steps = next_steps.jury_steps(jury.seat, request.user).steps
    else:
        steps = next_steps.organiser_steps(edition).steps
    return page(
        request,
        "edition.html",
        jury,
        {
            "stages": [
                (
                    stage,
                    STAGE_PLURALS[stage],
                    reached[stage],
                    counts[stage],
                    rounds.get(stage),
                    ROUND_NAMES[stage],
                )
                for stage in Stage.values
            ],
            "steps": steps,
            "language_form": LanguageForm(initial={"language": jury.seat.language})
            if jury.seat is not None
            else None,
            "criteria_count": len(selectors.criteria(edition)),
            "members": selectors.jury_members(edition),
            "decision": decision,
            "winner": winner,
            "winner_hidden": decision is not None and winner is None,
            "public": decision_is_public(edition),
            "may_start_review": may_start,
            "review_refusal": _refusal(
                lambda: services.check_start_jury_review(edition=edition, actor=jury.user)
            )
            if may_start
            else "",
            "may_start_deliberation": may_start_deliberation,
            "deliberation_refusal": _refusal(
                lambda: services.check_start_deliberation(edition=edition, actor=jury.user)
            )
            if may_start_deliberation
            else "",
        },
    )


def _phase_confirmation(jury: Jury, action: str) -> Confirmation:
    edition = jury.edition
    back = reverse("desk:jury-edition", kwargs={"year": edition.year})
    if action == "start_review":
        return Confirmation(
            title=_("Hand the candidacies of %(title)s to the jury?") % {"title": edition.title},
            happens=[
                _("The jury's review begins; the chair can open the first scoring round."),
                _(
                    "The call cannot be opened again, and nominations not yet confirmed no "
                    "longer count."
                ),
                _("The municipalities can no longer change their candidacies."),
                _("Without criteria of its own, the edition gets the default rubric."),
            ],
            cannot_undo=_(
                "The edition cannot go back to the call for nominations, nor the "
                "municipalities' supplement be opened again."
            ),
            button=_("Yes, start the jury's review"),
            back=back,
        )
    # Only the finalists the chair may see (a conflicted chair never reads the others' names).
    finalists = [
        c.name for c in selectors.candidacies_for(edition, jury.user, stage=Stage.FINALIST)
    ]
    return Confirmation(
        title=_("Start the deliberation of %(title)s?") % {"title": edition.title},
        happens=[
            _("The finalists are settled: %(names)s.") % {"names": ", ".join(finalists)},
            _("The final ballot opens and every member is told by e-mail."),
            _("Candidacies can no longer move between the stages."),
        ],
        cannot_undo=_("The jury's review cannot be resumed: the finalists stay as they are."),
        button=_("Yes, start the deliberation"),
        back=back,
    )


@login_required
@require_POST
def phase(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year)
    action = request.POST.get("action")
    edition = jury.edition
    try:
        if action == "start_review" and may_start_review(jury.user, edition):
            if not is_confirmed(request):
                services.check_start_jury_review(edition=edition, actor=jury.user)
                return ask(request, jury, _phase_confirmation(jury, action))
            services.start_jury_review(edition=edition, actor=jury.user)
            messages.success(request, _("The jury's review has begun."))
        elif action == "start_deliberation" and may_lead(jury.user, edition):
            if not is_confirmed(request):
                services.check_start_deliberation(edition=edition, actor=jury.user)
                return ask(request, jury, _phase_confirmation(jury, action))
            services.start_deliberation(edition=edition, actor=jury.user)
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
            "undo": last_move(request, jury),
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
            "undo": last_move(request, jury),
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
    """The chair moves a candidacy between the stages; the page then offers to move it back."""
    jury = jury_for(request, year, members_only=True)
    found = selectors.visible_candidacy(jury.edition, request.user, pk)
    if found is None:
        raise Http404(_("There is no such candidacy."))
    before = found.stage
    try:
        services.move_candidacy(
            candidacy=found, stage=request.POST.get("stage", ""), actor=jury.user
        )
    except services.JuryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(stage)s.")
            % {"name": found.name, "stage": Stage(found.stage).label.lower()},
        )
        if found.stage != before and request.POST.get("undo") != "yes":
            request.session[UNDO_MOVE] = {"year": year, "pk": found.pk, "stage": before}
        else:
            request.session.pop(UNDO_MOVE, None)
    if request.POST.get("back") == "candidacy":
        return redirect("desk:jury-candidacy", year=year, pk=pk)
    return redirect("desk:jury-candidacies", year=year)


def last_move(request: HttpRequest, jury: Jury) -> dict[str, object] | None:
    """The chair's last stage move in this edition, to offer moving it back (once)."""
    move = request.session.get(UNDO_MOVE)
    if not (jury.is_chair and isinstance(move, dict) and move.get("year") == jury.edition.year):
        return None
    found = selectors.visible_candidacy(jury.edition, jury.user, int(move.get("pk", 0)))
    if found is None or jury.edition.phase != Phase.JURY_REVIEW or found.stage == move["stage"]:
        return None
    return {
        "candidacy": found,
        "stage": move["stage"],
        "label": Stage(str(move["stage"])).label.lower(),
    }


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
                actor=jury.user,
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

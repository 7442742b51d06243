"""The final ballot, the chair's Schulze count with its tie-break, and the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kommunpris import dates
from kommunpris.archive.models import Winner
from kommunpris.archive.selectors import winner_members
from kommunpris.jury import selectors, services
from kommunpris.jury.models import Decision
from kommunpris.nominations.models import Candidacy
from kommunpris.permissions import decision_is_public
from kommunpris.permissions.jury import (
    conflicted_candidacy_ids,
    may_break_ties,
    may_cast_ballot,
    may_decide,
    sees_the_whole_final,
)

from ..confirmation import Confirmation, is_confirmed, is_revising
from ..jury_forms import BallotForm, DecisionForm, RescheduleForm, TieBreakForm
from ._common import Jury, ask, jury_for, page


def _visible_finalists(jury: Jury) -> list:  # type: ignore[type-arg]
    hidden = conflicted_candidacy_ids(jury.user, jury.edition)
    return [c for c in selectors.finalists(jury.edition) if c.pk not in hidden]


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year, members_only=True)
    finalists = _visible_finalists(jury)
    own = selectors.ballot_of(jury.edition, request.user)
    current = {r.candidacy_id: r.rank for r in own.ranks.all()} if own else {}
    open_ = may_cast_ballot(request.user, jury.edition)
    form = BallotForm(
        request.POST if request.method == "POST" else None, finalists=finalists, current=current
    )
    if request.method == "POST":
        if not open_:
            messages.error(request, _("The ballot is not open."))
            return redirect("desk:jury-ballot", year=year)
        if form.is_valid():
            try:
                services.cast_ballot(edition=jury.edition, actor=jury.user, ranks=form.ranks())
            except services.JuryError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Your ballot is cast. You can change it until the decision.")
                )
                return redirect("desk:jury-ballot", year=year)
    ranked = sorted(
        ((current[c.pk], c) for c in finalists if c.pk in current), key=lambda pair: pair[0]
    )
    return page(
        request,
        "ballot.html",
        jury,
        {"form": form, "open": open_, "own": own, "ranked": ranked, "finalists": finalists},
        status=400 if form.errors else 200,
    )


def _matrix(
    count: selectors.BallotCount, visible: list[int], table: dict[int, dict[int, int]]
) -> list:  # type: ignore[type-arg]
    return [
        (row, [table[row].get(col) if row != col else None for col in visible]) for row in visible
    ]


@login_required
@require_http_methods(["GET", "POST"])
def count(request: HttpRequest, year: int) -> HttpResponse:
    """The chair's view of the ballot: the Schulze order, both matrices and any ties."""
    jury = jury_for(request, year, chair_only=True)
    tally = selectors.ballot_count(jury.edition)
    seen = selectors.visible_order(tally, jury.user, jury.edition)
    names = {c.pk: c for tier in seen.tiers for c in tier}
    visible = [pk for pk in tally.result.candidates if pk in names]
    may_break = may_break_ties(jury.user, jury.edition) and bool(tally.result.ties)
    ties = [[names[pk] for pk in tier] for tier in tally.result.ties] if may_break else []
    form = TieBreakForm(request.POST or None, ties=ties)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_tie(
                edition=jury.edition,
                order=form.order(),
                actor=jury.user,
                note=form.cleaned_data["note"],
            )
        except services.JuryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The tie is broken; the order is recorded."))
            return redirect("desk:jury-count", year=year)
    return page(
        request,
        "count.html",
        jury,
        {
            "tally": tally,
            "names": names,
            "visible": [names[pk] for pk in visible],
            "order": seen.tiers,
            "hides_finalists": seen.hides_finalists,
            "pairwise": [
                (names[r], cells) for r, cells in _matrix(tally, visible, tally.result.pairwise)
            ],
            "paths": [
                (names[r], cells)
                for r, cells in _matrix(tally, visible, tally.result.strongest_paths)
            ],
            "ties": ties,
            "form": form,
            "may_break": may_break,
        },
        status=400 if form.errors else 200,
    )


def _decision_confirmation(
    jury: Jury, chosen: Candidacy, checked: services.CheckedDecision, decided_as: dict[str, Any]
) -> Confirmation:
    publish_at = decided_as["publish_at"]
    public_now = publish_at <= timezone.now()
    return Confirmation(
        title=_("Record %(name)s as the winner of %(title)s?")
        % {"name": checked.display_name, "title": jury.edition.title},
        happens=[
            _("%(name)s is recorded as the winner, with the motivation you wrote.")
            % {"name": checked.display_name},
            _("Every open scoring round closes; scores and ballots are frozen."),
            _("Every member of the jury is told by e-mail that the decision is made."),
            _("The decision becomes public at once.")
            if public_now
            else _(
                "The decision stays confidential until %(when)s, then every public page shows it."
            )
            % {"when": dates.moment(publish_at)},
        ],
        cannot_undo=_(
            "The decision cannot be recorded again or changed here, and the frozen scores and "
            "ballots cannot be opened again. Only the publication time can still move, until "
            "the decision is public."
        ),
        button=_("Yes, record the decision"),
        back=reverse("desk:jury-decision", kwargs={"year": jury.edition.year}),
        revisable=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, year: int) -> HttpResponse:
    """The chair records the winner, the motivation and the publication time."""
    jury = jury_for(request, year, chair_only=True)
    edition = jury.edition
    finalists = _visible_finalists(jury)
    tally = selectors.ballot_count(edition)
    seen = selectors.visible_order(tally, jury.user, edition)
    initial = {}
    leaders = seen.leaders
    if len(leaders) == 1 and tally.ballots_cast:
        initial = {
            "candidacy": leaders[0].pk,
            "display_name": services.suggested_display_name(leaders[0]),
        }
    if edition.ceremony_at and not edition.ceremony_date_only:
        initial["publish_at"] = edition.ceremony_at
    action = request.POST.get("action") if request.method == "POST" else None
    form = DecisionForm(
        request.POST if action == "decide" else None,
        finalists=finalists,
        initial=initial,
        sees_the_whole_ballot=not seen.hides_finalists,
    )
    reschedule = RescheduleForm(
        request.POST if action == "reschedule" else None,
        initial={"publish_at": edition.publish_at},
    )
    if action == "decide" and form.is_valid() and not is_revising(request):
        chosen = next(c for c in finalists if c.pk == form.cleaned_data["candidacy"])
        decided_as = {
            "edition": edition,
            "candidacy": chosen,
            "display_name": form.cleaned_data["display_name"],
            "motivation": form.cleaned_data["motivation"],
            "publish_at": form.cleaned_data["publish_at"],
            "departure_reason": form.cleaned_data["departure_reason"],
            "publish_at_once": form.cleaned_data["publish_at_once"],
            "actor": jury.user,
        }
        try:
            if not is_confirmed(request):
                checked = services.check_decision(**decided_as)
                return ask(request, jury, _decision_confirmation(jury, chosen, checked, decided_as))
            services.record_decision(**decided_as, motivation_en=form.cleaned_data["motivation_en"])
        except services.JuryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The decision is recorded. Scores and ballots are frozen."))
            return redirect("desk:jury-decision", year=year)
    elif action == "reschedule" and reschedule.is_valid():
        try:
            services.reschedule_publication(
                edition=edition,
                publish_at=reschedule.cleaned_data["publish_at"],
                publish_at_once=reschedule.cleaned_data["publish_at_once"],
                actor=jury.user,
            )
        except services.JuryError as exc:
            reschedule.add_error(None, str(exc))
        else:
            messages.success(request, _("The publication time is changed."))
            return redirect("desk:jury-decision", year=year)
    elif action not in (None, "decide", "reschedule"):
        raise Http404(_("There is no such page."))
    # Read after the action: a request refused because another recorded the decision first
    # shows that decision.
    decided = Decision.objects.filter(edition=edition).first()
    winner = Winner.objects.filter(edition=edition).prefetch_related(winner_members()).first()
    return page(
        request,
        "decision.html",
        jury,
        {
            "form": form,
            "reschedule": reschedule,
            "decided": decided,
            "winner": winner if sees_the_whole_final(jury.user, edition) else None,
            "public": decision_is_public(edition),
            "may_decide": may_decide(jury.user, edition),
            "tally": tally,
            "leaders": leaders,
            "seen": seen,
            "may_break": may_break_ties(jury.user, edition),
        },
        status=400 if form.errors or reschedule.errors else 200,
    )

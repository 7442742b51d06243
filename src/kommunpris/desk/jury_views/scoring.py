"""Scoring rounds: the round's list, a juror's score sheet, the chair's results table and CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris.awards.models import Phase
from kommunpris.jury import selectors, services
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.jury.models import ScoreSheet, ScoringRound
from kommunpris.nominations.models import Candidacy, Stage
from kommunpris.permissions.jury import (
    JURY_PHASES,
    conflicted_candidacy_ids,
    in_round,
    may_lead,
    may_score,
)
from kommunpris.spreadsheets import Number, csv_text

from ..confirmation import Confirmation, is_confirmed
from ..jury_forms import ScoreSheetForm
from ._common import Jury, ask, jury_for, page


def _round_or_404(jury: Jury, stage: str) -> ScoringRound:
    found = selectors.scoring_round(jury.edition, stage)
    if found is None:
        raise Http404(_("This scoring round has not been opened."))
    return found


@login_required
def round_page(request: HttpRequest, year: int, stage: str) -> HttpResponse:
    jury = jury_for(request, year, members_only=True)
    scoring_round = selectors.scoring_round(jury.edition, stage)
    rows = selectors.round_rows(scoring_round, request.user) if scoring_round else []
    return page(
        request,
        "round.html",
        jury,
        {
            "stage": stage,
            "round_name": ROUND_NAMES[stage],
            "round": scoring_round,
            "rows": rows,
            "progress": selectors.round_progress(scoring_round)
            if scoring_round and jury.is_chair
            else [],
            "may_open": may_lead(jury.user, jury.edition) and jury.edition.phase in JURY_PHASES,
            "open_count": len(selectors.candidacies_for(jury.edition, request.user, stage=stage))
            if scoring_round is None
            else 0,
        },
    )


def _round_confirmation(
    jury: Jury, stage: str, action: str, reached: list[Candidacy] | None = None
) -> Confirmation:
    edition = jury.edition
    name = ROUND_NAMES[stage]
    back = reverse("desk:jury-round", kwargs={"year": edition.year, "stage": stage})
    if action == "open":
        count = len(
            [c for c in reached or [] if c.pk not in conflicted_candidacy_ids(jury.user, edition)]
        )
        return Confirmation(
            title=_("Open %(round)s?") % {"round": name},
            happens=[
                ngettext(
                    "The jury can score %(count)s candidacy you may see.",
                    "The jury can score %(count)s candidacies you may see.",
                    count,
                )
                % {"count": count},
                _("Every member is told by e-mail."),
                _("The rubric is locked: its criteria and weights can no longer change."),
                _("Ties declared so far can no longer be withdrawn."),
            ],
            cannot_undo=_(
                "The round cannot be removed again, and the rubric stays locked for the rest "
                "of the edition."
            ),
            button=_("Yes, open the round"),
            back=back,
        )
    return Confirmation(
        title=_("Close %(round)s?") % {"round": name},
        happens=[
            _("Nobody can save or change a score sheet in the round any more."),
            _("Drafts that were not submitted do not count in the results."),
        ],
        can_undo=_("You can open the round again until the decision is recorded."),
        button=_("Yes, close the round"),
        back=back,
    )


@login_required
@require_POST
def round_status(request: HttpRequest, year: int, stage: str) -> HttpResponse:
    jury = jury_for(request, year, chair_only=True)
    action = request.POST.get("action")
    try:
        if action == "open":
            if not is_confirmed(request):
                reached = services.check_open_round(
                    edition=jury.edition, stage=stage, actor=jury.user
                )
                return ask(request, jury, _round_confirmation(jury, stage, action, reached))
            services.open_round(edition=jury.edition, stage=stage, actor=jury.user)
            messages.success(request, _("The scoring round is open; the jury has been told."))
        elif action == "close":
            scoring_round = _round_or_404(jury, stage)
            if not is_confirmed(request):
                services.check_close_round(scoring_round=scoring_round, actor=jury.user)
                return ask(request, jury, _round_confirmation(jury, stage, action))
            services.close_round(scoring_round=scoring_round, actor=jury.user)
            messages.success(request, _("The scoring round is closed."))
        elif action == "reopen":
            services.reopen_round(scoring_round=_round_or_404(jury, stage), actor=jury.user)
            messages.success(request, _("The scoring round is open again."))
        else:
            raise Http404(_("There is no such page."))
    except services.JuryError as exc:
        messages.error(request, str(exc))
    return redirect("desk:jury-round", year=year, stage=stage)


def _next_to_score(
    scoring_round: ScoringRound, viewer: User, current: Candidacy
) -> Candidacy | None:
    """The next candidacy in the round whose sheet the viewer has not submitted: after this
    one in the round's order, else from the start; None when every sheet is in."""
    rows = selectors.round_rows(scoring_round, viewer)
    order = [row.candidacy.pk for row in rows]
    start = order.index(current.pk) + 1 if current.pk in order else 0
    for row in rows[start:] + rows[:start]:
        if row.candidacy.pk != current.pk and not (row.own_sheet and row.own_sheet.is_submitted):
            return row.candidacy
    return None


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, year: int, stage: str, pk: int) -> HttpResponse:
    """A juror's score sheet for one candidacy; the others' sheets once theirs is submitted."""
    jury = jury_for(request, year, members_only=True)
    candidacy = selectors.visible_candidacy(jury.edition, request.user, pk)
    if candidacy is None:
        raise Http404(_("There is no such candidacy."))
    scoring_round = _round_or_404(jury, stage)
    if not in_round(candidacy, scoring_round):
        raise Http404(_("That candidacy is not in this round."))
    criteria = selectors.criteria(jury.edition)
    view = selectors.sheets_for(scoring_round, candidacy, request.user)
    form = ScoreSheetForm(request.POST or None, criteria=criteria, sheet=view.own)
    editable = may_score(request.user, scoring_round, candidacy)
    changed_elsewhere = False
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This round is closed; the scores can no longer be changed."))
            return redirect("desk:jury-sheet", year=year, stage=stage, pk=pk)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                saved = services.save_score_sheet(
                    scoring_round=scoring_round,
                    candidacy=candidacy,
                    actor=jury.user,
                    entries=form.entries(),
                    comment=form.cleaned_data["comment"],
                    submit=submit,
                    expected_version=form.cleaned_data["version"],
                )
            except services.ScoreSheetChanged as exc:
                # Show what is saved now beside what the person wrote; saving again replaces it.
                form.add_error(None, str(exc))
                changed_elsewhere = True
                view = selectors.sheets_for(scoring_round, candidacy, request.user)
            except services.JuryError as exc:
                form.add_error(None, str(exc))
            else:
                if saved.revised_at and saved.revised_at == saved.updated_at:
                    messages.success(request, _("Your change is saved and recorded."))
                elif saved.is_submitted:
                    messages.success(request, _("Your scores are submitted."))
                else:
                    messages.success(request, _("Your draft is saved."))
                return redirect("desk:jury-sheet", year=year, stage=stage, pk=pk)
    return page(
        request,
        "sheet.html",
        jury,
        {
            "stage": stage,
            "round_name": ROUND_NAMES[stage],
            "round": scoring_round,
            "candidacy": candidacy,
            "dossier": selectors.dossier(candidacy),
            "next_candidacy": _next_to_score(scoring_round, jury.user, candidacy),
            "form": form,
            "view": view,
            "criteria": criteria,
            "editable": editable,
            "changed_elsewhere": changed_elsewhere,
            "version": _version_shown(form, view.own, changed_elsewhere=changed_elsewhere),
        },
        status=409 if changed_elsewhere else 400 if form.errors else 200,
    )


def _version_shown(form: ScoreSheetForm, own: ScoreSheet | None, *, changed_elsewhere: bool) -> int:
    """The version the form carries: a re-shown form keeps the one it was opened at, so a
    change made elsewhere meanwhile is still caught; after a conflict, the one now shown."""
    current = own.version if own is not None else 0
    if changed_elsewhere or not form.is_bound:
        return current
    opened = getattr(form, "cleaned_data", {}).get("version")
    return current if opened is None else int(opened)


@login_required
def results(request: HttpRequest, year: int, stage: str) -> HttpResponse:
    jury = jury_for(request, year, chair_only=True)
    scoring_round = _round_or_404(jury, stage)
    return page(
        request,
        "results.html",
        jury,
        {
            "stage": stage,
            "round_name": ROUND_NAMES[stage],
            "round": scoring_round,
            "results": selectors.round_results(scoring_round, request.user),
            "may_move": jury.edition.phase == Phase.JURY_REVIEW,
            "stages": Stage.choices,
        },
    )


def results_csv_text(table: selectors.RoundResults) -> str:
    """The results table as CSV (kommunpris.spreadsheets): numbers stay numbers, names as text."""
    header = [
        _("Rank"),
        _("Candidacy"),
        _("Municipality codes"),
        _("Mean score (0–4)"),
        _("Mean z-score"),
        _("Spread"),
        _("Number of scores"),
        _("Disagreement"),
        *[c.name for c in table.criteria],
    ]
    rows = (
        [
            row.rank,
            row.candidacy.name,
            " ".join(m.code for m in row.candidacy.municipalities),
            Number(row.mean_total),
            Number(row.mean_z),
            Number(row.spread),
            row.score_count,
            _("yes") if row.disagreement else _("no"),
            *[Number(mean) for mean in row.criterion_means],
        ]
        for row in table.rows
    )
    return csv_text(header, rows)


@login_required
def results_csv(request: HttpRequest, year: int, stage: str) -> HttpResponse:
    jury = jury_for(request, year, chair_only=True)
    scoring_round = _round_or_404(jury, stage)
    table = selectors.round_results(scoring_round, request.user)
    response = HttpResponse(
        results_csv_text(table).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    slug = {"candidacy": "kandidatur", "nominee": "nominerad", "finalist": "finalist"}[stage]
    response["Content-Disposition"] = f'attachment; filename="bedomning-{year}-{slug}.csv"'
    return response

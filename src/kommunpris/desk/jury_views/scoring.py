"""Scoring rounds: the round's list, a juror's score sheet, the chair's results table and CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris.awards.models import Phase
from kommunpris.jury import selectors, services
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.jury.models import ScoreSheet, ScoringRound
from kommunpris.nominations.models import Stage
from kommunpris.permissions.jury import JURY_PHASES, in_round, may_score
from kommunpris.spreadsheets import Number, csv_text

from ..jury_forms import ScoreSheetForm
from ._common import Jury, jury_for, page


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
            "may_open": jury.is_chair and jury.edition.phase in JURY_PHASES,
            "open_count": len(selectors.candidacies_for(jury.edition, request.user, stage=stage))
            if scoring_round is None
            else 0,
        },
    )


@login_required
@require_POST
def round_status(request: HttpRequest, year: int, stage: str) -> HttpResponse:
    jury = jury_for(request, year, chair_only=True)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.open_round(edition=jury.edition, stage=stage, by=jury.user)
            messages.success(request, _("The scoring round is open; the jury has been told."))
        elif action == "close":
            services.close_round(scoring_round=_round_or_404(jury, stage), by=jury.user)
            messages.success(request, _("The scoring round is closed."))
        elif action == "reopen":
            services.reopen_round(scoring_round=_round_or_404(jury, stage), by=jury.user)
            messages.success(request, _("The scoring round is open again."))
        else:
            raise Http404(_("There is no such page."))
    except services.JuryError as exc:
        messages.error(request, str(exc))
    return redirect("desk:jury-round", year=year, stage=stage)


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
                    juror=jury.user,
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

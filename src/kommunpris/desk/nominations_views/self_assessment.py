"""The self-assessment for nominees: the organiser's rubric of an edition (and who has filled it
in), and the nominee's contact filling it in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris import dates
from kommunpris.awards.models import Edition
from kommunpris.errors import http_status
from kommunpris.nominations import selectors
from kommunpris.nominations.models import (
    Candidacy,
    MunicipalityContact,
    SelfAssessment,
    SelfAssessmentRubric,
)
from kommunpris.nominations.self_assessment import (
    FilledIn,
    assessment_of,
    default_closing,
    filled_in,
    rubric_of,
)
from kommunpris.nominations.services import (
    AreaText,
    CallError,
    CallFrozen,
    ContributionError,
    LevelText,
    check_rubric_may_change,
    check_self_assessment_open,
    remove_self_assessment,
    save_self_assessment,
    set_self_assessment,
)
from kommunpris.permissions.nominations import (
    NOMINEE_STAGES,
    contact_may_assess,
    contact_speaks_for,
)

from ..call_forms import SelfAssessmentForm, areas_from, levels_from, rubric_forms
from ..confirmation import Confirmation, ask, is_confirmed
from ..session import contact_required
from ._common import call_edition, organiser_required

# --- the organiser ---------------------------------------------------------------------------


def _nominees(edition: Edition) -> list[tuple[Candidacy, bool]]:
    """The edition's nominees (and finalists), each with whether it has filled in the
    self-assessment."""
    rows = list(selectors.candidacies(edition).filter(stage__in=NOMINEE_STAGES))
    done = set(
        SelfAssessment.objects.filter(candidacy__in=[c.pk for c in rows]).values_list(
            "candidacy_id", flat=True
        )
    )
    return [(c, c.pk in done) for c in rows]


def _rubric_page(
    request: HttpRequest,
    edition: Edition,
    rubric: SelfAssessmentRubric | None,
    forms: tuple[Any, Any, Any],
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    refusal = ""
    try:
        check_rubric_may_change(edition, rubric)
    except CallFrozen as exc:
        refusal = str(exc)
    form, areas, levels = forms
    return render(
        request,
        "desk/nominations/self_assessment.html",
        {
            "edition": edition,
            "rubric": rubric,
            "form": form,
            "areas": areas,
            "levels": levels,
            "refusal": refusal,
            "frozen": rubric is not None and rubric.frozen_at is not None,
            "phase_over": bool(refusal) and (rubric is None or rubric.frozen_at is None),
            "nominees": _nominees(edition),
            "error": error,
        },
        status=status,
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def rubric(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    found = rubric_of(edition)
    data = request.POST if request.method == "POST" else None
    forms = rubric_forms(found, closes_at=default_closing(edition), data=data)
    if request.method != "POST":
        return _rubric_page(request, edition, found, forms)
    form, areas, levels = forms
    frozen = found is not None and found.frozen_at is not None
    if not form.is_valid() or (not frozen and not (areas.is_valid() and levels.is_valid())):
        return _rubric_page(request, edition, found, forms, status=400)
    if frozen:
        assert found is not None
        # Only the last day may move: the rubric's areas and levels stay as answered.
        chosen_areas = [
            AreaText(a.name_sv, a.name_en, a.description_sv, a.description_en, a.key)
            for a in found.areas.all()
        ]
        chosen_levels = [LevelText(v.label_sv, v.label_en) for v in found.levels.all()]
        intro = (found.introduction_sv, found.introduction_en)
    else:
        chosen_areas, chosen_levels = areas_from(areas), levels_from(levels)
        intro = (form.cleaned_data["introduction_sv"], form.cleaned_data["introduction_en"])
    try:
        saved = set_self_assessment(
            edition=edition,
            areas=chosen_areas,
            levels=chosen_levels,
            closes_at=form.closes_at(),
            introduction_sv=intro[0],
            introduction_en=intro[1],
            actor=request.user,
        )
    except CallError as exc:
        return _rubric_page(request, edition, found, forms, error=str(exc), status=http_status(exc))
    messages.success(
        request,
        _(
            "The self-assessment of %(title)s is saved. Nominees fill it in from their page "
            "until %(when)s."
        )
        % {"title": edition.title, "when": dates.moment(saved.closes_at)},
    )
    return redirect("desk:nominations-self-assessment", year=year)


@organiser_required
@require_POST
def rubric_remove(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    found = rubric_of(edition)
    if found is None:
        messages.info(
            request, _("%(title)s asks for no self-assessment.") % {"title": edition.title}
        )
        return redirect("desk:nominations-self-assessment", year=year)
    try:
        if not is_confirmed(request):
            check_rubric_may_change(edition, found)
            return ask(
                request,
                Confirmation(
                    title=_("Stop asking the nominees of %(title)s for a self-assessment?")
                    % {"title": edition.title},
                    happens=[
                        _("The areas, levels and introduction you set are deleted."),
                        _("Nominees no longer see a self-assessment on their page."),
                    ],
                    can_undo=_(
                        "You can set up a self-assessment again, from the standard areas, as "
                        "long as the jury works."
                    ),
                    button=_("Yes, stop asking for it"),
                    back=reverse("desk:nominations-self-assessment", kwargs={"year": year}),
                ),
            )
        remove_self_assessment(edition=edition, actor=request.user)
    except CallFrozen as exc:
        messages.error(request, str(exc))
        return redirect("desk:nominations-self-assessment", year=year)
    messages.success(
        request,
        _("%(title)s no longer asks its nominees for a self-assessment.")
        % {"title": edition.title},
    )
    return redirect("desk:nominations-self-assessment", year=year)


# --- the nominee's contact -------------------------------------------------------------------


def self_assessment_step(
    contact: MunicipalityContact, candidacy: Candidacy | None, rubric: SelfAssessmentRubric | None
) -> dict[str, Any] | None:
    """What the contact's own page says about the self-assessment: nothing unless the edition
    asks for one and the candidacy is a nominee."""
    if (
        candidacy is None
        or rubric is None
        or candidacy.stage not in NOMINEE_STAGES
        or not contact_speaks_for(contact, candidacy)
    ):
        return None
    saved = SelfAssessment.objects.filter(candidacy=candidacy).first()
    return {
        "rubric": rubric,
        "open": contact_may_assess(contact, candidacy, rubric),
        "filled": filled_in(rubric, saved) if saved is not None else None,
    }


def _nominee_candidacy(contact: MunicipalityContact) -> Candidacy:
    found = selectors.candidacy_of(contact.edition, contact.municipality_id)
    if found is None or not contact_speaks_for(contact, found):
        raise Http404(_("Your municipality has no confirmed nomination yet."))
    return found


@contact_required
@require_http_methods(["GET", "POST"])
def contact_self_assessment(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    candidacy = _nominee_candidacy(contact)
    edition = contact.edition
    closed = ""
    found: SelfAssessmentRubric | None
    try:
        found = check_self_assessment_open(candidacy=candidacy, actor=contact)
    except ContributionError as exc:
        closed = str(exc)
        found = rubric_of(edition)
    if found is None:
        raise Http404(
            _("%(title)s asks its nominees for no self-assessment.") % {"title": edition.title}
        )
    saved: FilledIn | None = assessment_of(candidacy)
    initial: dict[str, Any] = {}
    if saved is not None:
        for row in saved.areas:
            initial[f"level-{row.area.key}"] = row.level.value if row.level else None
            initial[f"comment-{row.area.key}"] = row.comment
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" and not closed else None,
        initial=initial,
        rubric=found,
    )
    error, status = "", 200
    if request.method == "POST":
        if closed:
            error, status = closed, 409
        elif form.is_valid():
            try:
                save_self_assessment(
                    candidacy=candidacy,
                    levels=form.levels(),
                    comments=form.comments(),
                    actor=contact,
                )
            except ContributionError as exc:
                error, status = str(exc), exc.status
            else:
                messages.success(
                    request,
                    _("Your self-assessment is saved. You can change it until %(when)s.")
                    % {"when": dates.moment(found.closes_at)},
                )
                return redirect(reverse("desk:nominations-contact") + "#self-assessment-heading")
        else:
            status = 400
    return render(
        request,
        "desk/nominations/self_assessment_contact.html",
        {
            "contact": contact,
            "edition": edition,
            "candidacy": candidacy,
            "rubric": found,
            "form": form,
            "closed": closed,
            "saved": saved,
            "error": error,
        },
        status=status,
    )

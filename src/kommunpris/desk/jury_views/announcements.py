"""The announcements of an edition: the nominees, the finalists and the winner, each public from
its own time. The chair announces, moves and withdraws them here (after a page that says what
becomes public when); the jury and the organisers see where each stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kommunpris import dates, errors
from kommunpris.jury import selectors
from kommunpris.jury.announcements import (
    STAGE_MEMBERSHIP,
    STAGE_NAMES,
    CheckedAnnouncement,
    announce_stage,
    check_announcement,
    check_reschedule,
    check_withdraw,
    reschedule_announcement,
    withdraw_announcement,
)
from kommunpris.jury.labels import STAGE_PLURALS
from kommunpris.nominations.models import Stage
from kommunpris.permissions import (
    ANNOUNCED_STAGES,
    decision_is_public,
    stage_announced_at,
    stage_is_public,
    stage_publish_at,
)
from kommunpris.permissions.announcements import may_announce, may_view_announcements
from kommunpris.permissions.jury import conflicted_candidacy_ids
from kommunpris.register.collation import swedish_sort_key

from ..announcement_forms import AnnouncementForm
from ..confirmation import Confirmation, is_confirmed, is_revising
from ._common import Jury, ask, jury_for, page

ACTIONS = ("announce", "reschedule", "withdraw")


@dataclass(frozen=True)
class StageRow:
    """One announced stage as the page shows it to this person."""

    stage: str
    heading: str
    publish_at: datetime | None
    public: bool  # the public sees who reached it (its own time passed, or the decision)
    passed: bool  # its own time has passed: it can no longer move
    names: list[str] | None  # those this member may see; None for an organiser
    reached: int  # how many reached it (for an organiser, who sees no names)
    form: AnnouncementForm | None  # the chair's form: announce, or move the time
    withdrawable: bool


def _rows(jury: Jury, bound: dict[str, AnnouncementForm]) -> list[StageRow]:
    edition = jury.edition
    chair_may = may_announce(jury.user, edition)
    counts = selectors.stage_counts(edition)
    rows = []
    for stage in ANNOUNCED_STAGES:
        moment = stage_publish_at(edition, stage)
        passed = stage_announced_at(edition, stage) is not None
        reached = sum(n for s, n in counts.items() if Stage.rank(s) >= Stage.rank(stage))
        names = (
            sorted(
                (c.name for c in selectors.candidacies_for(edition, jury.user, stage=stage)),
                key=swedish_sort_key,
            )
            if jury.is_member
            else None
        )
        form = None
        if chair_may and not passed and (moment is not None or reached):
            form = bound.get(stage) or AnnouncementForm(stage=stage, initial={"publish_at": moment})
        rows.append(
            StageRow(
                stage=stage,
                heading=str(STAGE_PLURALS[stage]),
                publish_at=moment,
                public=stage_is_public(edition, stage),
                passed=passed,
                names=names,
                reached=reached,
                form=form,
                withdrawable=chair_may and moment is not None and not passed,
            )
        )
    return rows


def _conflicted_note(jury: Jury, stage: str) -> list[str]:
    """A chair conflicted out of any candidacy is told that those are published too, without
    learning whether any of them reached the stage."""
    if not conflicted_candidacy_ids(jury.user, jury.edition):
        return []
    return [
        _(
            "Candidacies you are conflicted out of are not named here; any of them that is "
            "among %(stage)s becomes public with them."
        )
        % {"stage": STAGE_NAMES[stage]}
    ]


def _visible_names(jury: Jury, checked: CheckedAnnouncement) -> str:
    hidden = conflicted_candidacy_ids(jury.user, jury.edition)
    # A joint candidacy's name has commas of its own ("Mora, Orsa och Älvdalen").
    return "; ".join(c.name for c in checked.candidacies if c.pk not in hidden)


def _announce_confirmation(jury: Jury, checked: CheckedAnnouncement) -> Confirmation:
    edition, stage = jury.edition, checked.stage
    words = {
        "title": edition.title,
        "stage": STAGE_NAMES[stage],
        "who": STAGE_MEMBERSHIP[stage],
        "when": dates.moment(checked.publish_at),
        "names": _visible_names(jury, checked),
    }
    if checked.at_once:
        happens = [
            _(
                "%(Stage)s become public at once: the edition page, the map, the "
                "municipalities' pages, the API, the feed and the downloads show them: %(names)s."
            )
            % {**words, "Stage": capfirst(str(STAGE_NAMES[stage]))}
        ]
        can_undo = ""
        cannot_undo = _("Once public, %(stage)s stay public.") % words
    else:
        happens = [
            _(
                "On %(when)s the edition page, the map, the municipalities' pages, the API, the "
                "feed and the downloads show %(stage)s: %(names)s."
            )
            % words,
            _("Until then nothing public shows %(who)s.") % words,
            capfirst(
                _(
                    "%(who)s can no longer change, unless you withdraw the announcement before "
                    "its time."
                )
                % words
            ),
        ]
        can_undo = _("Until %(when)s you can move the time or withdraw the announcement.") % words
        cannot_undo = (
            _(
                "From %(when)s %(stage)s stay public: the announcement can no longer be moved "
                "or withdrawn."
            )
            % words
        )
    happens.append(_("Every member of the jury is told by e-mail when they become public."))
    return Confirmation(
        title=_("Announce %(stage)s of %(title)s?") % words,
        happens=happens + _conflicted_note(jury, stage),
        cannot_undo=cannot_undo,
        can_undo=can_undo,
        button=_("Yes, announce %(stage)s") % words,
        back=reverse("desk:jury-announcements", kwargs={"year": edition.year}),
        revisable=True,
    )


def _reschedule_confirmation(jury: Jury, checked: CheckedAnnouncement) -> Confirmation:
    edition, stage = jury.edition, checked.stage
    words = {
        "title": edition.title,
        "stage": STAGE_NAMES[stage],
        "Stage": capfirst(str(STAGE_NAMES[stage])),
        "when": dates.moment(checked.publish_at),
        "before": dates.moment(stage_publish_at(edition, stage)),
    }
    if checked.at_once:
        first = _("%(Stage)s become public at once instead of on %(before)s.") % words
        cannot_undo = _("Once public, %(stage)s stay public.") % words
        can_undo = ""
    else:
        first = _("%(Stage)s become public on %(when)s instead of on %(before)s.") % words
        cannot_undo = ""
        can_undo = (
            _("Until %(when)s you can move the time again or withdraw the announcement.") % words
        )
    return Confirmation(
        title=_("Move the announcement of %(stage)s of %(title)s?") % words,
        happens=[first, _("Every member of the jury is told the new time by e-mail.")],
        cannot_undo=cannot_undo,
        can_undo=can_undo,
        button=_("Yes, move the announcement"),
        back=reverse("desk:jury-announcements", kwargs={"year": edition.year}),
        revisable=True,
    )


def _withdraw_confirmation(jury: Jury, checked: CheckedAnnouncement) -> Confirmation:
    edition, stage = jury.edition, checked.stage
    words = {
        "title": edition.title,
        "stage": STAGE_NAMES[stage],
        "who": STAGE_MEMBERSHIP[stage],
        "when": dates.moment(checked.publish_at),
    }
    return Confirmation(
        title=_("Withdraw the announcement of %(stage)s of %(title)s?") % words,
        happens=[
            _("Nothing becomes public on %(when)s: %(who)s stays confidential.") % words,
            _("The chair can again change %(who)s.") % words,
            _("Every member of the jury is told by e-mail."),
        ],
        can_undo=_("You can announce them again, for any time before the winner's."),
        button=_("Yes, withdraw the announcement"),
        back=reverse("desk:jury-announcements", kwargs={"year": edition.year}),
    )


def _done(stage: str, action: str, edition_publish: datetime | None) -> str:
    words = {
        "Stage": capfirst(str(STAGE_NAMES[stage])),
        "when": dates.moment(edition_publish),
    }
    if action == "withdraw":
        return _("The announcement is withdrawn; %(who)s stays confidential.") % {
            "who": STAGE_MEMBERSHIP[stage]
        }
    return _("%(Stage)s are announced: public from %(when)s.") % words


@login_required
def announcements(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year)
    edition = jury.edition
    if not may_view_announcements(jury.user, edition):
        raise Http404(_("There is no such page."))
    bound: dict[str, AnnouncementForm] = {}
    if request.method == "POST":
        if not may_announce(jury.user, edition):
            raise Http404(_("There is no such page."))
        action, stage = request.POST.get("action", ""), request.POST.get("stage", "")
        if action not in ACTIONS or stage not in ANNOUNCED_STAGES:
            raise Http404(_("There is no such page."))
        try:
            if action == "withdraw":
                checked = check_withdraw(edition=edition, stage=stage, actor=jury.user)
                if not is_confirmed(request):
                    return ask(request, jury, _withdraw_confirmation(jury, checked))
                withdraw_announcement(edition=edition, stage=stage, actor=jury.user)
                messages.success(request, _done(stage, action, None))
                return redirect("desk:jury-announcements", year=year)
        except errors.DomainError as exc:
            messages.error(request, str(exc))
            return redirect("desk:jury-announcements", year=year)
        form = AnnouncementForm(request.POST, stage=stage)
        bound[stage] = form
        if form.is_valid() and not is_revising(request):
            asked = {
                "edition": edition,
                "stage": stage,
                "publish_at": form.cleaned_data["publish_at"],
                "publish_at_once": form.cleaned_data["publish_at_once"],
                "actor": jury.user,
            }
            check, confirmation, service = (
                (check_announcement, _announce_confirmation, announce_stage)
                if action == "announce"
                else (check_reschedule, _reschedule_confirmation, reschedule_announcement)
            )
            try:
                if not is_confirmed(request):
                    return ask(request, jury, confirmation(jury, check(**asked)))
                service(**asked)
            except errors.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                edition.refresh_from_db()
                messages.success(request, _done(stage, action, stage_publish_at(edition, stage)))
                return redirect("desk:jury-announcements", year=year)
    rows = _rows(jury, bound)
    return page(
        request,
        "announcements.html",
        jury,
        {
            "rows": rows,
            "decided": edition.publish_at is not None,
            "decision_public": decision_is_public(edition),
            "may_announce": may_announce(jury.user, edition),
        },
        status=400 if any(form.errors for form in bound.values()) else 200,
    )

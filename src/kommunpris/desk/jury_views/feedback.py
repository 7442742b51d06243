"""Feedback to the municipalities at the jury's desk: a juror marks each of their comments
shareable or internal; the organiser releases the reports after the publication time."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kommunpris import dates
from kommunpris.errors import DomainError, Invalid
from kommunpris.jury import feedback
from kommunpris.jury.feedback_selectors import (
    SHARED,
    ReleasePreview,
    own_comments,
    release_of,
)
from kommunpris.jury.labels import ROUND_NAMES

from ..confirmation import Confirmation, is_confirmed
from ._common import ask, jury_for, page

SHARE_PREFIX = "share-"


def _choices(request: HttpRequest) -> dict[str, bool]:
    """The marks posted: `share-<key>` = "shared" or "internal" for each comment shown."""
    chosen = {}
    for name, value in request.POST.items():
        if not name.startswith(SHARE_PREFIX):
            continue
        if value not in ("shared", "internal"):
            raise Invalid(_("Choose shareable or internal for each comment."))
        chosen[name.removeprefix(SHARE_PREFIX)] = value == "shared"
    return chosen


@login_required
@require_http_methods(["GET", "POST"])
def comments(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year, members_only=True)
    status = 200
    if request.method == "POST":
        try:
            marked = feedback.mark_comments(
                edition=jury.edition, actor=jury.user, shared=_choices(request)
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            status = exc.status
        else:
            messages.success(
                request,
                ngettext(
                    "Saved: %(shared)s comment shareable with the municipality, %(internal)s "
                    "internal.",
                    "Saved: %(shared)s comments shareable with the municipalities, "
                    "%(internal)s internal.",
                    marked.shared,
                )
                % {"shared": marked.shared, "internal": marked.internal},
            )
            return redirect("desk:jury-comments", year=year)
    sheets = own_comments(jury.edition, jury.user)
    return page(
        request,
        "comments.html",
        jury,
        {
            "sheets": [(s, ROUND_NAMES[s.stage]) for s in sheets],
            "shared_state": SHARED,
            "release": release_of(jury.edition),
        },
        status=status,
    )


def _release_confirmation(year: int, title: str, preview: ReleasePreview) -> Confirmation:
    return Confirmation(
        title=_("Release the feedback reports of %(title)s?") % {"title": title},
        happens=[
            ngettext(
                "The contact of each of the %(count)s candidacy can read its own report at the "
                "desk and download it as PDF.",
                "The contact of each of the %(count)s candidacies can read its own report at "
                "the desk and download it as PDF.",
                preview.candidacies,
            )
            % {"count": preview.candidacies},
            ngettext(
                "%(count)s contact is told by e-mail.",
                "%(count)s contacts are told by e-mail.",
                len(preview.contacts),
            )
            % {"count": len(preview.contacts)},
            ngettext(
                "The report holds %(count)s comment the jurors marked shareable, without "
                "their names.",
                "The reports hold %(count)s comments the jurors marked shareable, without "
                "their names.",
                preview.shared_comments,
            )
            % {"count": preview.shared_comments},
            _("The jurors can no longer change which comments are shared."),
        ],
        cannot_undo=_("The reports cannot be withdrawn once the municipalities may read them."),
        button=_("Yes, release the reports"),
        back=reverse("desk:jury-feedback", kwargs={"year": year}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, year: int) -> HttpResponse:
    """The organiser's page: what a release sends, the refusal until it may, and the release."""
    jury = jury_for(request, year, organiser_only=True)
    edition = jury.edition
    if request.method == "POST":
        if request.POST.get("action") != "release":
            raise Http404(_("There is no such page."))
        try:
            if not is_confirmed(request):
                asked = feedback.check_release_feedback(edition=edition, actor=jury.user)
                return ask(request, jury, _release_confirmation(year, edition.title, asked))
            feedback.release_feedback(edition=edition, actor=jury.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The feedback reports are released; the contacts have been told by e-mail."),
            )
        return redirect("desk:jury-feedback", year=year)
    released = release_of(edition)
    preview: ReleasePreview | None = None
    refusal = ""
    if released is None:
        try:
            preview = feedback.check_release_feedback(edition=edition, actor=jury.user)
        except DomainError as exc:
            refusal = str(exc)
    return page(
        request,
        "feedback.html",
        jury,
        {
            "released": released,
            "released_when": dates.moment(released.released_at) if released else "",
            "preview": preview,
            "refusal": refusal,
        },
    )

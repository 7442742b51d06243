"""Jury membership: the jury start page, invitations, declared ties and the recusal record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris.awards.models import Phase
from kommunpris.awards.selectors import AwardNotFound, award, editions
from kommunpris.jury import selectors, services
from kommunpris.jury.invitations import user_for_token
from kommunpris.jury.models import Membership, Tie
from kommunpris.nominations.models import Candidacy
from kommunpris.permissions.jury import (
    is_organiser,
    may_manage_jury,
    may_view_recusals,
    rubric_is_locked,
)

from ..confirmation import Confirmation, is_confirmed, is_revising
from ..jury_forms import InviteForm, LanguageForm, TieForm
from ._common import Jury, ask, jury_for, page


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The editions the person serves on; organisers also see every edition's jury."""
    organised = []
    if is_organiser(request.user):
        try:
            organised = [e for e in editions(award()) if e.phase != Phase.ANNOUNCED]
        except AwardNotFound:
            organised = []
    return render(
        request,
        "desk/jury/home.html",
        {"seats": selectors.seats_of(request.user), "organised": organised},
    )


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: the invited person sets a password and is signed in."""
    user = user_for_token(token)
    if user is None:
        return render(request, "desk/jury/accept_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(actor=user, password=form.cleaned_data["new_password1"])
        except services.JuryError as exc:
            form.add_error("new_password1", str(exc))
        else:
            login(request, user, backend="kommunpris.accounts.backends.EmailBackend")
            messages.success(request, _("Your password is set and you are signed in."))
            return redirect("desk:jury-home")
    seats = Membership.objects.filter(user=user).select_related("edition__award")
    return render(
        request,
        "desk/jury/accept.html",
        {"form": form, "invited": user, "seats": list(seats)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, year: int) -> HttpResponse:
    jury = jury_for(request, year)
    manage = may_manage_jury(request.user, jury.edition)
    form = InviteForm(
        request.POST if request.method == "POST" and "email" in request.POST else None
    )
    if request.method == "POST":
        if not manage:
            raise Http404(_("There is no such page."))
        if "resend" in request.POST:
            found = (
                Membership.objects.filter(
                    edition=jury.edition, pk=_number(request.POST.get("resend"))
                )
                .select_related("user", "edition__award")
                .first()
            )
            if found is None:
                raise Http404(_("There is no such member."))
            services.resend_invitation(seat=found, actor=jury.user)
            messages.success(
                request,
                _("The invitation was sent again to %(email)s.") % {"email": found.user.email},
            )
            return redirect("desk:jury-members", year=year)
        if form.is_valid():
            try:
                seat = services.invite_member(
                    edition=jury.edition,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    name=form.cleaned_data["name"],
                    language=form.cleaned_data["language"],
                    actor=jury.user,
                )
            except services.JuryError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(email)s is invited.") % {"email": seat.user.email})
                return redirect("desk:jury-members", year=year)
    return page(
        request,
        "members.html",
        jury,
        {"members": selectors.jury_members(jury.edition), "form": form, "manage": manage},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def language(request: HttpRequest, year: int) -> HttpResponse:
    """A member chooses the language of the jury's e-mail to them."""
    jury = jury_for(request, year, members_only=True)
    assert jury.seat is not None
    form = LanguageForm(request.POST)
    if form.is_valid():
        try:
            seat = services.set_member_language(
                seat=jury.seat, language=form.cleaned_data["language"], actor=jury.user
            )
        except services.JuryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The jury's e-mail to you is now written in English.")
                if seat.language == "en"
                else _("The jury's e-mail to you is now written in Swedish."),
            )
    else:
        messages.error(request, _("Choose Swedish or English."))
    return redirect("desk:jury-edition", year=year)


def _tie_confirmation(jury: Jury, caught: list[Candidacy], withdrawable: bool) -> Confirmation:
    happens = (
        [
            ngettext(
                "You no longer see %(names)s: it is left out of your pages, and your scores and "
                "ballot never count for it.",
                "You no longer see %(names)s: they are left out of your pages, and your scores "
                "and ballot never count for them.",
                len(caught),
            )
            % {"names": ", ".join(c.name for c in caught)}
        ]
        if caught
        else [
            _(
                "The tie conflicts you out of no candidacy now. It is on the record for the chair, "
                "and conflicts you out of any candidacy it touches later."
            )
        ]
    )
    happens.append(_("The chair and the organiser see the tie in the recusal record."))
    return Confirmation(
        title=_("Declare the tie?"),
        happens=happens,
        can_undo=_(
            "Until the first scoring round opens you can withdraw the tie on this page; after "
            "that it stays on the record."
        )
        if withdrawable
        else "",
        cannot_undo=""
        if withdrawable
        else _(
            "Scoring has begun: the tie stays on the record, and you cannot step back into a "
            "candidacy it keeps you from."
        ),
        button=_("Yes, declare the tie"),
        back=reverse("desk:jury-ties", kwargs={"year": jury.edition.year}),
        revisable=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ties(request: HttpRequest, year: int) -> HttpResponse:
    """A member's declared ties: a new one takes effect at once (after the page that asks
    first); before scoring begins, one declared in error can be withdrawn."""
    jury = jury_for(request, year, members_only=True)
    assert jury.seat is not None
    visible = selectors.candidacies_for(jury.edition, request.user)
    withdrawable = not rubric_is_locked(jury.edition)
    if request.method == "POST" and "withdraw" in request.POST:
        found = Tie.objects.filter(
            membership=jury.seat, pk=_number(request.POST.get("withdraw"))
        ).first()
        if found is None:
            raise Http404(_("There is no such tie."))
        try:
            services.withdraw_tie(edition=jury.edition, tie=found, actor=jury.user)
        except services.JuryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The tie is withdrawn."))
        return redirect("desk:jury-ties", year=year)
    form = TieForm(request.POST or None, candidacies=visible)
    if request.method == "POST" and form.is_valid() and not is_revising(request):
        data = form.cleaned_data
        candidacy = None
        if data["candidacy"]:
            candidacy = next((c for c in visible if str(c.pk) == data["candidacy"]), None)
        tie = {
            "kind": data["kind"],
            "municipality_code": data["municipality"],
            "county_code": data["county"] or "",
            "county_wide": data["county_wide"],
            "organisation": data["organisation"],
            "candidacy": candidacy,
        }
        try:
            if not is_confirmed(request):
                caught = services.tie_would_conflict(seat=jury.seat, actor=jury.user, **tie)
                return ask(request, jury, _tie_confirmation(jury, caught, withdrawable))
            services.declare_tie(seat=jury.seat, note=data["note"], actor=jury.user, **tie)
        except services.JuryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The tie is recorded. You no longer see candidacies it conflicts you out of."),
            )
            return redirect("desk:jury-ties", year=year)
    own = next(m for m in selectors.jury_members(jury.edition) if m.pk == jury.seat.pk)
    return page(
        request,
        "ties.html",
        jury,
        {"ties": list(own.ties.all()), "form": form, "withdrawable": withdrawable},
        status=400 if form.errors else 200,
    )


@login_required
def recusals(request: HttpRequest, year: int) -> HttpResponse:
    """Who stood aside from what, and why; and every tie each member declared."""
    jury = jury_for(request, year)
    if not may_view_recusals(request.user, jury.edition):
        raise Http404(_("There is no such page."))
    visible = {c.pk for c in selectors.candidacies_for(jury.edition, request.user)}
    everything = jury.is_organiser and not jury.is_member
    record = [
        r for r in selectors.recusal_record(jury.edition) if everything or r.candidacy.pk in visible
    ]
    # A tie to a candidacy the viewer is conflicted out of is listed without its name.
    declared = [
        (
            member,
            [
                (tie, everything or tie.candidacy_id is None or tie.candidacy_id in visible)
                for tie in member.ties.all()
            ],
        )
        for member in selectors.jury_members(jury.edition)
    ]
    return page(request, "recusals.html", jury, {"record": record, "declared": declared})

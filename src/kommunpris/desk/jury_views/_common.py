"""What every jury page needs: the edition from the URL and who the person is on its jury."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kommunpris.awards.models import Edition
from kommunpris.awards.selectors import edition_of_award
from kommunpris.desk import confirmation
from kommunpris.jury.models import Membership
from kommunpris.permissions.jury import (
    is_frozen,
    is_organiser,
    may_lead,
    may_view_jury,
    may_view_recusals,
    membership,
)


@dataclass(frozen=True)
class Jury:
    """The edition of the page and the viewer's place in its jury."""

    edition: Edition
    user: User
    seat: Membership | None
    is_organiser: bool

    @property
    def is_member(self) -> bool:
        return self.seat is not None

    @property
    def is_chair(self) -> bool:
        """The chair's pages and work (kommunpris.permissions.jury.may_lead)."""
        return may_lead(self.user, self.edition)

    @property
    def is_frozen(self) -> bool:
        return is_frozen(self.edition)

    @property
    def may_view_recusals(self) -> bool:
        return may_view_recusals(self.user, self.edition)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every jury page is behind login_required
    return user


def jury_for(
    request: HttpRequest,
    year: int,
    *,
    members_only: bool = False,
    chair_only: bool = False,
    organiser_only: bool = False,
) -> Jury:
    """The jury of the edition, or 404 for anyone the page is not for.

    A person sees only the editions they serve on (organisers see every edition's jury pages
    that hold no scores); pages a person may not see answer as if they did not exist.
    """
    edition = edition_of_award(year)
    if edition is None:
        raise Http404(_("There is no such edition."))
    user = _user(request)
    seat = membership(user, edition)
    jury = Jury(edition=edition, user=user, seat=seat, is_organiser=is_organiser(user))
    if not may_view_jury(user, edition):
        raise Http404(_("There is no such edition."))
    if members_only and seat is None:
        raise Http404(_("There is no such page."))
    if chair_only and not jury.is_chair:
        raise Http404(_("There is no such page."))
    if organiser_only and not jury.is_organiser:
        raise Http404(_("There is no such page."))
    return jury


def page(
    request: HttpRequest, template: str, jury: Jury, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        f"desk/jury/{template}",
        {"jury": jury, "edition": jury.edition, **context},
        status=status,
    )


def ask(request: HttpRequest, jury: Jury, confirm: confirmation.Confirmation) -> HttpResponse:
    """The confirmation page, within the jury's pages of the edition."""
    return confirmation.ask(
        request,
        confirm,
        template="desk/jury/confirm.html",
        context={"jury": jury, "edition": jury.edition},
    )

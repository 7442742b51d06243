"""The desk's header and forms: who is signed in, in which role, where they may go; and one way
of drawing a form field. Roles and links come from kommunpris.permissions, never from flags a
template reads itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms, template
from django.urls import reverse
from django.utils.translation import gettext as _

from kommunpris.awards.models import Phase
from kommunpris.jury.selectors import seats_of
from kommunpris.permissions.accounts import is_organiser, may_use_desk
from kommunpris.permissions.mail import may_manage_mail

from ..session import signed_in_contact

register = template.Library()


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: bool


@dataclass
class Chrome:
    """What the desk's header shows."""

    who: str = ""
    roles: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    sign_out: str = ""
    sign_out_label: str = ""


# The part of the desk a URL name belongs to, for the header's "you are here".
_SECTIONS = (
    ("nominations-contact", "contact"),
    ("nominations", "nominations"),
    ("jury", "jury"),
    ("mail", "mail"),
    ("account", "account"),
    ("two-factor", "account"),
    ("recovery", "account"),
    ("home", "home"),
)


def _section(url_name: str) -> str:
    return next((section for prefix, section in _SECTIONS if url_name.startswith(prefix)), "")


def _seat_roles(user: Any) -> list[str]:
    seats = [s for s in seats_of(user) if s.edition.phase != Phase.ANNOUNCED]
    return [
        (_("jury chair %(year)s") if s.is_chair else _("juror %(year)s")) % {"year": s.edition.year}
        for s in seats
    ]


@register.simple_tag(takes_context=True)
def desk_chrome(context: template.Context) -> Chrome:
    request = context.get("request")
    if request is None:
        return Chrome()
    match = getattr(request, "resolver_match", None)
    here = _section(match.url_name or "") if match else ""
    user = request.user
    if user.is_authenticated:
        chrome = Chrome(
            who=user.email or user.get_username(),
            sign_out=reverse("logout"),
            sign_out_label=_("Sign out"),
        )
        if not may_use_desk(user):
            # Between the password and the code: nothing of the desk is open yet.
            chrome.sign_out_label = _("Cancel and sign out")
            return chrome
        organiser = is_organiser(user)
        if organiser:
            chrome.roles.append(_("organiser"))
        chrome.roles += _seat_roles(user)
        links = [("home", "desk:home", _("Start"))]
        if organiser:
            links.append(("nominations", "desk:nominations", _("Editions and nominations")))
        if organiser or chrome.roles:
            links.append(("jury", "desk:jury-home", _("Jury")))
        if may_manage_mail(user):
            links.append(("mail", "desk:mail", _("E-mail")))
        links.append(("account", "desk:account", _("Your account")))
        chrome.links = [Link(reverse(name), label, here == key) for key, name, label in links]
        return chrome
    contact = signed_in_contact(request)
    if contact is not None:
        return Chrome(
            who=contact.email,
            roles=[_("contact for %(name)s") % {"name": contact.municipality.name}],
            links=[
                Link(
                    reverse("desk:nominations-contact"),
                    _("Your municipality's candidacy"),
                    here == "contact",
                )
            ],
            sign_out=reverse("desk:nominations-contact-signout"),
            sign_out_label=_("Sign out"),
        )
    return Chrome()


@register.filter
def field_kind(bound: forms.BoundField) -> str:
    """How the desk draws a field: "checkbox", "choices" (radio buttons), "hidden" or "input"."""
    widget = bound.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "choices"
    return "input"

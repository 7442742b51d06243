"""The messages of the call for nominations and the groups of municipality contacts the organiser
can write to (kommunpris.mail.catalogue): what each message offers its template, an example from
the edition's own nominations and contacts for the preview, and each contact's values for a
bulk message — with their one-time sign-in link made only when the message is queued."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.awards.models import Edition
from kommunpris.mail.catalogue import (
    Example,
    Message,
    Recipient,
    Segment,
    register_message,
    register_segment,
)
from kommunpris.mail.links import SecretLink, absolute_url
from kommunpris.mail.organiser_templates import Placeholder

from . import links
from .models import (
    Candidacy,
    CandidacyMember,
    ContactLink,
    MunicipalityContact,
    Nomination,
    NominationStatus,
    Response,
    Stage,
)
from .tokens import hash_secret


def _day(moment: datetime | None, language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(moment), "j F Y") if moment else ""


def _moment(moment: datetime, language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(moment), "j F Y, H:i")


def _example_municipality(edition: Edition) -> tuple[str, str]:
    """(municipality, contact's name) of the edition's first contact, else of its first
    candidacy; the values are made up only when the edition has neither."""
    contact = (
        MunicipalityContact.objects.filter(edition=edition)
        .select_related("municipality")
        .order_by("municipality__sort_key")
        .first()
    )
    if contact is not None:
        return contact.municipality.name, contact.name
    member = (
        CandidacyMember.objects.filter(edition=edition)
        .select_related("municipality")
        .order_by("municipality__sort_key")
        .first()
    )
    if member is not None:
        return member.municipality.name, ""
    return "", ""


def _made_up() -> str:
    return _("This edition has no such data yet: the values are examples.")


# --- placeholders -----------------------------------------------------------------------------

EDITION_TITLE = Placeholder(
    "edition_title", gettext_lazy("the edition: Sveriges DigitaliseringsKommun 2027")
)
MUNICIPALITY = Placeholder("municipality", gettext_lazy("the municipality's name: Sundsvall"))
CONTACT_NAME = Placeholder(
    "name", gettext_lazy("the contact's name as the organiser registered it; may be empty")
)
SIGN_IN_LINK = Placeholder(
    "link",
    gettext_lazy("the contact's one-time sign-in link, made for them when the message is sent."),
    is_link=True,
    required=True,
)
SIGN_IN_PAGE = Placeholder(
    "signin_link", gettext_lazy("the page where a contact asks for a new sign-in link")
)
CONTACT_HOURS = Placeholder("valid_hours", gettext_lazy("how many hours the sign-in link works"))
SUPPLEMENT_CLOSE = Placeholder(
    "supplement_close",
    gettext_lazy("the last day for the municipality's own text: 12 maj 2027"),
)
CONTACT_PLACEHOLDERS = (
    CONTACT_NAME,
    MUNICIPALITY,
    EDITION_TITLE,
    SIGN_IN_LINK,
    CONTACT_HOURS,
    SIGN_IN_PAGE,
    SUPPLEMENT_CLOSE,
)


def _contact_example(edition: Edition) -> Example:
    municipality, name = _example_municipality(edition)
    language = translation.get_language() or "sv"
    context = {
        "name": name,
        "municipality": municipality or "Sundsvall",
        "edition_title": edition.title,
        "signin_link": absolute_url("desk:nominations-contact-signin", language="sv"),
        "valid_hours": settings.KOMMUNPRIS_CONTACT_LINK_HOURS,
        "supplement_close": _day(edition.supplement_close_at, language),
    }
    about = (
        _("The contact for %(municipality)s.") % {"municipality": municipality}
        if municipality
        else _made_up()
    )
    return Example(context=context, about=about)


def _confirm_example(edition: Edition) -> Example:
    language = translation.get_language() or "sv"
    nomination = (
        Nomination.objects.filter(edition=edition, anonymised_at__isnull=True)
        .exclude(status=NominationStatus.REJECTED)
        .select_related("municipality")
        .order_by("-submitted_at", "-id")
        .first()
    )
    expires = _moment(
        timezone.now() + timedelta(hours=settings.KOMMUNPRIS_NOMINATION_LINK_HOURS), language
    )
    context = {
        "name": nomination.nominator_name if nomination else "Anna Andersson",
        "municipality": nomination.municipality.name if nomination else "Sundsvall",
        "edition_title": edition.title,
        "is_update": False,
        "form_link": absolute_url("nominate", language=language),
        "privacy_link": absolute_url("nominate-privacy", language=language),
        "valid_hours": settings.KOMMUNPRIS_NOMINATION_LINK_HOURS,
        "expires": expires,
    }
    about = (
        _("The newest nomination, of %(municipality)s by %(name)s.")
        % {"name": nomination.nominator_name, "municipality": nomination.municipality.name}
        if nomination
        else _made_up()
    )
    return Example(context=context, about=about)


def _personal_data_example(edition: Edition) -> Example:
    language = translation.get_language() or "sv"
    expires = _moment(timezone.now() + timedelta(hours=links.PERSONAL_DATA_LINK_HOURS), language)
    count = (
        Nomination.objects.filter(edition=edition, anonymised_at__isnull=True)
        .values("nominator_email")
        .order_by()
        .distinct()
        .count()
    )
    context = {
        "request_link": absolute_url("personal-data-request", language=language),
        "privacy_link": absolute_url("nominate-privacy", language=language),
        "valid_hours": links.PERSONAL_DATA_LINK_HOURS,
        "expires": expires,
        "count": 1,
    }
    about = _(
        "A nominator who sent one nomination (%(count)s addresses have nominated in this edition)."
    ) % {"count": count}
    return Example(context=context, about=about)


register_message(
    Message(
        key="nominations/confirm",
        title=gettext_lazy("Confirm a nomination"),
        recipients=gettext_lazy("The person who nominated"),
        sent_when=gettext_lazy(
            "When a nomination, or a new text for one, is sent from the form; it holds the link "
            "that makes it count."
        ),
        placeholders=(
            Placeholder("name", gettext_lazy("the nominator's name")),
            MUNICIPALITY,
            EDITION_TITLE,
            Placeholder(
                "is_update",
                gettext_lazy(
                    "true when this is a new text for an earlier nomination: "
                    "{% if is_update %}…{% else %}…{% endif %}"
                ),
            ),
            Placeholder(
                "link",
                gettext_lazy("the confirmation link, made for the nominator when it is sent."),
                is_link=True,
                required=True,
            ),
            Placeholder("valid_hours", gettext_lazy("how many hours the link works")),
            Placeholder(
                "expires", gettext_lazy("when the link stops working: 3 april 2027, 14:05")
            ),
            Placeholder("form_link", gettext_lazy("the nomination form")),
            Placeholder("privacy_link", gettext_lazy("how personal data is handled")),
        ),
        example=_confirm_example,
        order=10,
    )
)
register_message(
    Message(
        key="nominations/candidacy_notice",
        title=gettext_lazy("The municipality is nominated"),
        recipients=gettext_lazy("The municipality's contact"),
        sent_when=gettext_lazy(
            "Once, when the municipality has both a contact and a confirmed nomination."
        ),
        placeholders=CONTACT_PLACEHOLDERS,
        example=_contact_example,
        order=20,
    )
)
register_message(
    Message(
        key="nominations/contact_link",
        title=gettext_lazy("A contact's sign-in link"),
        recipients=gettext_lazy("The municipality's contact"),
        sent_when=gettext_lazy("When a contact asks for a new sign-in link."),
        placeholders=CONTACT_PLACEHOLDERS,
        example=_contact_example,
        order=30,
    )
)
register_message(
    Message(
        key="nominations/personal_data_link",
        title=gettext_lazy("A nominator's personal data"),
        recipients=gettext_lazy("A nominator who asks what is kept about their address"),
        sent_when=gettext_lazy(
            "When someone asks for their personal data; the template of the edition of their "
            "newest nomination is used."
        ),
        placeholders=(
            Placeholder(
                "count",
                gettext_lazy(
                    "how many nominations were sent from the address: "
                    "{% if count == 1 %}…{% else %}…{% endif %}"
                ),
            ),
            Placeholder(
                "link",
                gettext_lazy("the link to their data, made for them when it is sent."),
                is_link=True,
                required=True,
            ),
            Placeholder("valid_hours", gettext_lazy("how many hours the link works")),
            Placeholder("expires", gettext_lazy("when the link stops working")),
            Placeholder("request_link", gettext_lazy("the page where a new link is asked for")),
            Placeholder("privacy_link", gettext_lazy("how personal data is handled")),
        ),
        example=_personal_data_example,
        order=40,
    )
)


# --- segments: the edition's municipality contacts ----------------------------------------------


def _sign_in_link(contact: MunicipalityContact) -> Callable[[], dict[str, SecretLink]]:
    """The contact's one-time sign-in link, as the candidacy notice gives it: its hash kept,
    the link itself built only when the message is sent."""

    def make() -> dict[str, SecretLink]:
        link, secret = links.contact_sign_in_link()
        now = timezone.now()
        ContactLink.objects.create(
            contact=contact,
            token_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + timedelta(hours=settings.KOMMUNPRIS_CONTACT_LINK_HOURS),
        )
        return {"link": link}

    return make


def _contacts(edition: Edition, keep: Callable[[Candidacy | None], bool]) -> list[Recipient]:
    candidacy_of = {
        member.municipality_id: member.candidacy
        for member in CandidacyMember.objects.filter(edition=edition).select_related("candidacy")
    }
    title = edition.title
    signin_page = absolute_url("desk:nominations-contact-signin", language="sv")
    recipients = []
    for contact in (
        MunicipalityContact.objects.filter(edition=edition)
        .select_related("municipality")
        .order_by("municipality__sort_key")
    ):
        candidacy = candidacy_of.get(contact.municipality_id)
        if not keep(candidacy):
            continue
        recipients.append(
            Recipient(
                email=contact.email,
                name=contact.name,
                about=contact.municipality.name,
                language="sv",
                context={
                    "name": contact.name,
                    "municipality": contact.municipality.name,
                    "edition_title": title,
                    "signin_link": signin_page,
                    "valid_hours": settings.KOMMUNPRIS_CONTACT_LINK_HOURS,
                    "supplement_close": _day(edition.supplement_close_at, "sv"),
                },
                links=_sign_in_link(contact),
            )
        )
    return recipients


BULK_CONTACT_PLACEHOLDERS = (
    CONTACT_NAME,
    MUNICIPALITY,
    EDITION_TITLE,
    Placeholder(
        "link",
        gettext_lazy(
            "the contact's one-time sign-in link, made for each contact when the message is sent."
        ),
        is_link=True,
    ),
    CONTACT_HOURS,
    SIGN_IN_PAGE,
    SUPPLEMENT_CLOSE,
)


def _not_declined(candidacy: Candidacy | None) -> bool:
    return candidacy is not None and candidacy.response != Response.DECLINED


def _stage_at_least(stage: str) -> Callable[[Candidacy | None], bool]:
    return lambda c: _not_declined(c) and Stage.rank(c.stage) >= Stage.rank(stage)  # type: ignore[union-attr]


register_segment(
    Segment(
        key="contacts",
        app="nominations",
        title=gettext_lazy("All municipality contacts"),
        description=gettext_lazy("Every contact registered for the edition."),
        placeholders=BULK_CONTACT_PLACEHOLDERS,
        recipients=lambda edition: _contacts(edition, lambda candidacy: True),
        order=10,
    )
)
register_segment(
    Segment(
        key="contacts_not_accepted",
        app="nominations",
        title=gettext_lazy("Contacts who have not accepted"),
        description=gettext_lazy(
            "Contacts of a nominated municipality that has neither accepted nor declined the "
            "candidacy."
        ),
        placeholders=BULK_CONTACT_PLACEHOLDERS,
        recipients=lambda edition: _contacts(
            edition, lambda c: c is not None and c.response == Response.PENDING
        ),
        order=20,
    )
)
register_segment(
    Segment(
        key="contacts_without_text",
        app="nominations",
        title=gettext_lazy("Contacts who have not added their text"),
        description=gettext_lazy(
            "Contacts of a nominated municipality that has not declined and has not yet written "
            "any of its own answers."
        ),
        placeholders=BULK_CONTACT_PLACEHOLDERS,
        recipients=lambda edition: _contacts(
            edition,
            lambda c: _not_declined(c) and not c.has_contribution,  # type: ignore[union-attr]
        ),
        order=30,
    )
)
register_segment(
    Segment(
        key="nominees",
        app="nominations",
        title=gettext_lazy("Nominees"),
        description=gettext_lazy(
            "Contacts of the candidacies the jury has made nominees (finalists included)."
        ),
        placeholders=BULK_CONTACT_PLACEHOLDERS,
        recipients=lambda edition: _contacts(edition, _stage_at_least(Stage.NOMINEE)),
        order=50,
    )
)
register_segment(
    Segment(
        key="finalists",
        app="nominations",
        title=gettext_lazy("Finalists"),
        description=gettext_lazy("Contacts of the candidacies the jury has made finalists."),
        placeholders=BULK_CONTACT_PLACEHOLDERS,
        recipients=lambda edition: _contacts(edition, _stage_at_least(Stage.FINALIST)),
        order=60,
    )
)

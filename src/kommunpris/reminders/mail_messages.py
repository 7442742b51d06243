"""The automatic reminders in the catalogue of messages (kommunpris.mail.catalogue): what each
offers its template, and an example written by the reminder run's own code
(`services.reminder_mail`) from the edition's contacts, jury and unconfirmed nominations as they
are now, whether or not a reminder is due yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.awards.models import Edition
from kommunpris.mail.catalogue import Example, Message, register_message
from kommunpris.mail.organiser_templates import Placeholder
from kommunpris.nominations.models import Stage

from . import selectors
from .models import Kind
from .services import missing_line, reminder_mail, unconfirmed_line

EDITION_TITLE = Placeholder(
    "edition_title", gettext_lazy("the edition: Sveriges DigitaliseringsKommun 2027")
)


def _language() -> str:
    return translation.get_language() or "sv"


def _made_up() -> str:
    return _("This edition has no such data yet: the values are examples.")


def _later(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)


def _example(
    due: selectors.DueReminder, edition: Edition, **made_up: Callable[[], str]
) -> dict[str, object]:
    """The context the reminder run would write for `due`; `made_up` fills in the values an
    edition without the data has none of (written in the preview's language)."""
    _template, context = reminder_mail(due, edition)
    with translation.override(due.language):
        context.update({name: value() for name, value in made_up.items()})
    return context


def _contact_supplement_example(edition: Edition) -> Example:
    language = _language()
    deadline = edition.supplement_close_at or _later(14)
    tasks = selectors.contact_work(edition).tasks
    if tasks:
        email = tasks[0].contact.email.strip().lower()
        mine = [t for t in tasks if t.contact.email.strip().lower() == email]
        due = selectors.DueReminder(
            kind=Kind.CONTACT_SUPPLEMENT,
            email=email,
            due_at=deadline,
            language=language,
            contact=mine[0].contact,
            contact_tasks=mine,
        )
        about = _("The contact for %(municipality)s, as things stand now.") % {
            "municipality": mine[0].contact.municipality.name
        }
        return Example(context=_example(due, edition), about=about)
    due = selectors.DueReminder(
        kind=Kind.CONTACT_SUPPLEMENT, email="", due_at=deadline, language=language
    )
    context = _example(
        due,
        edition,
        missing=lambda: "\n".join(
            (missing_line("Sundsvall", selectors.ANSWER), missing_line("Timrå", selectors.OWN_TEXT))
        ),
    )
    return Example(context=context, about=_made_up())


def _juror_round_example(edition: Edition) -> Example:
    language = _language()
    for state in selectors.round_states(edition):
        if not state.is_open or not state.progress:
            continue
        progress = (state.behind or state.progress)[0]
        seat = progress.membership
        due = selectors.DueReminder(
            kind=Kind.JUROR_ROUND,
            email=seat.user.email,
            due_at=state.deadline.closes_at if state.deadline else _later(7),
            language=language,
            stage=state.stage,
            juror=seat,
            remaining=progress.remaining,
            eligible=progress.eligible,
        )
        about = _("Jury member %(who)s in the open round.") % {
            "who": seat.user.get_full_name() or seat.user.email
        }
        if state.deadline is None:
            about += " " + _("The round has no last day yet: a week from now is shown.")
        return Example(context=_example(due, edition), about=about)
    due = selectors.DueReminder(
        kind=Kind.JUROR_ROUND,
        email="",
        due_at=_later(7),
        language=language,
        stage=Stage.CANDIDACY.value,
        remaining=3,
        eligible=12,
    )
    return Example(
        context=_example(due, edition),
        about=_("No scoring round is open: the values are examples."),
    )


def _confirmation_example(edition: Edition) -> Example:
    language = _language()
    items = selectors.unconfirmed_nominations(edition, now=timezone.now())
    if items:
        email = items[0].nomination.nominator_email.strip().lower()
        mine = [i for i in items if i.nomination.nominator_email.strip().lower() == email]
        due = selectors.DueReminder(
            kind=Kind.NOMINATOR_CONFIRMATION,
            email=email,
            due_at=min(i.expires_at for i in mine),
            language=language,
            nominations=mine,
        )
        about = _("The unconfirmed nomination of %(municipality)s by %(name)s.") % {
            "municipality": mine[0].nomination.municipality.name,
            "name": mine[0].nomination.nominator_name,
        }
        return Example(context=_example(due, edition), about=about)
    sent_at = timezone.now() - timedelta(hours=40)
    expires_at = sent_at + selectors.confirmation_link_lifetime()
    due = selectors.DueReminder(
        kind=Kind.NOMINATOR_CONFIRMATION, email="", due_at=expires_at, language=language
    )
    context = _example(
        due,
        edition,
        nominations=lambda: unconfirmed_line("Sundsvall", sent_at=sent_at, expires_at=expires_at),
    )
    return Example(context=context, about=_made_up())


DEADLINE = Placeholder(
    "deadline", gettext_lazy("the last day and time: 12 maj 2027 kl. 23:59, Swedish time")
)

register_message(
    Message(
        key="nominations/confirmation_reminder",
        title=gettext_lazy("Reminder to confirm a nomination"),
        recipients=gettext_lazy("A nominator who has not confirmed their nomination"),
        sent_when=gettext_lazy(
            "Automatically, the set number of hours before the confirmation link stops working; "
            "once per address and edition."
        ),
        placeholders=(
            EDITION_TITLE,
            Placeholder(
                "nominations",
                gettext_lazy(
                    "the unconfirmed nominations, one line each: the municipality, when it was "
                    "sent and how long its link works"
                ),
            ),
            Placeholder(
                "deadline", gettext_lazy("when the first of the confirmation links stops working")
            ),
            Placeholder("form_link", gettext_lazy("the nomination form")),
            Placeholder("privacy_link", gettext_lazy("how personal data is handled")),
        ),
        example=_confirmation_example,
        order=15,
    )
)
register_message(
    Message(
        key="reminders/contact_supplement",
        title=gettext_lazy("Reminder to a municipality contact"),
        recipients=gettext_lazy("A contact whose candidacy still lacks an answer or its own text"),
        sent_when=gettext_lazy(
            "Automatically, the set number of days before the last day for the municipalities' "
            "own text; once per address and edition."
        ),
        placeholders=(
            EDITION_TITLE,
            DEADLINE,
            Placeholder(
                "missing",
                gettext_lazy(
                    "what is still missing, one line per candidacy: an answer, or the "
                    "municipality's own text"
                ),
            ),
            Placeholder(
                "sign_in_link",
                gettext_lazy("the page where a contact asks for a sign-in link"),
            ),
        ),
        example=_contact_supplement_example,
        order=35,
    )
)
register_message(
    Message(
        key="reminders/juror_round",
        title=gettext_lazy("Reminder to a juror before a round's last day"),
        recipients=gettext_lazy("A jury member with score sheets left to submit"),
        sent_when=gettext_lazy(
            "Automatically, the set number of days before the last day of a scoring round the "
            "chair has given one; once per member and round."
        ),
        placeholders=(
            EDITION_TITLE,
            DEADLINE,
            Placeholder("round", gettext_lazy("the round: the round for finalists")),
            Placeholder(
                "remaining",
                gettext_lazy(
                    "how many score sheets they have left to submit: "
                    "{% if remaining == 1 %}…{% else %}…{% endif %}"
                ),
            ),
            Placeholder(
                "eligible", gettext_lazy("how many score sheets they have in the round in all")
            ),
            Placeholder("link", gettext_lazy("the round's page in the desk")),
        ),
        example=_juror_round_example,
        order=125,
    )
)

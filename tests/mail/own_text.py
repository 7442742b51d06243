"""An organiser's own text of a message that shows each of its placeholders, and the checks that a
message sent through its service was written with it: shared by the mail tests and the tests of
the apps whose services send the message (announcements, feedback, reminders)."""

from __future__ import annotations

import re

from kommunpris.mail import catalogue
from kommunpris.mail.models import OutgoingMail


def every_placeholder(key: str) -> tuple[str, str]:
    """A subject of its own, and a text that shows every placeholder of the message."""
    message = catalogue.message(key)
    lines = [
        "{{ " + p.name + " }}" if p.is_link else f"{p.name}=[{{{{ {p.name} }}}}]"
        for p in message.placeholders
    ]
    title = (
        " {{ edition_title }}"
        if any(p.name == "edition_title" for p in message.placeholders)
        else ""
    )
    return f"EGEN {key}{title}", "EGEN MALL\n\n" + "\n".join(lines) + "\n"


def placeholder_values(body: str) -> dict[str, str]:
    """What each `name=[…]` line of a text from `every_placeholder` shows."""
    return dict(re.findall(r"^(\w+)=\[(.*?)\]$", body, flags=re.M | re.S))


def own_values(stored: OutgoingMail) -> dict[str, str]:
    """The placeholders' values in a message written with the text of `every_placeholder`;
    fails unless the message is that text and its service gave every placeholder a value."""
    assert stored.subject.startswith(f"EGEN {stored.template}"), stored.subject
    assert stored.body_text.startswith("EGEN MALL\n"), stored.body_text
    values = placeholder_values(stored.body_text)
    declared = [p.name for p in catalogue.message(stored.template).placeholders if not p.is_link]
    assert sorted(values) == sorted(declared), stored.template
    assert all(value != "" for value in values.values()), (stored.template, values)
    return values

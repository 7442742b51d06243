"""Every management command of kommunpris speaks the site's language (Swedish) — its help, its
output and the refusals it passes on — whatever language the caller had active."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.utils import translation

from kommunpris.commands import SiteLanguageCommand

# Commands of ours that are Django's own with a guard added: they keep Django's texts.
DJANGOS_OWN = {"flush"}


def _ours() -> list[tuple[str, str]]:
    return sorted(
        (name, app)
        for name, app in get_commands().items()
        if app.startswith("kommunpris") and name not in DJANGOS_OWN
    )


def test_every_command_of_ours_speaks_the_sites_language():
    ours = _ours()
    assert {"send_reminders", "register_contact", "purge_personal_data"} <= {n for n, _ in ours}
    others = [
        name
        for name, app in ours
        if not isinstance(load_command_class(app, name), SiteLanguageCommand)
    ]
    assert others == []


@pytest.mark.django_db
def test_a_command_run_while_english_is_active_answers_in_swedish():
    out = io.StringIO()
    with translation.override("en"):
        call_command("send_reminders", stdout=out)
        command = load_command_class("kommunpris.reminders", "send_reminders")
        purge = load_command_class("kommunpris.nominations", "purge_personal_data")
        help_text = command.create_parser("kommunpris", "send_reminders").format_help()
        purge_help = purge.create_parser("kommunpris", "purge_personal_data").format_help()
    assert out.getvalue() == (
        "0 påminnelser köade (0 till kommunkontakter, 0 till jurymedlemmar, 0 till nominerande).\n"
    )
    assert "Köar de påminnelser som är dags nu" in " ".join(help_text.split())
    assert "Raderar obekräftade nomineringar" in " ".join(purge_help.split())

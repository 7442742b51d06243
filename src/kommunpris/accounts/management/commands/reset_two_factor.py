"""`kommunpris reset_two_factor EMAIL`: remove a person's authenticator app and recovery codes.

For when the person who would reset it on the desk (an organiser) is the one who lost their
phone. The person sets two-factor sign-in up again at their next sign-in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.accounts.services import AccountError, reset_two_factor
from kommunpris.audit.vocabulary import CLI
from kommunpris.commands import SiteLanguageCommand


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Resets a person's two-factor sign-in (app and recovery codes). The person sets it up "
        "again at their next sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help=_("The person's e-mail address (the username)."))

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["email"].strip()
        person = User.objects.filter(username__iexact=address).first()
        if person is None:
            raise CommandError(
                _("No user with the e-mail address %(address)s.") % {"address": address}
            )
        try:
            reset_two_factor(person=person, actor=CLI)
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _(
                "Two-factor sign-in for %(person)s is reset. The person sets it up again at "
                "their next sign-in."
            )
            % {"person": person.get_username()}
        )

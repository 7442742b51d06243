"""Management commands speak the site's language (LANGUAGE_CODE, Swedish), whatever language a
caller in the same thread had active: their help, their output and the domain's refusals.

A command gives its help as `description = gettext_lazy(...)`, or by overriding `describe()`
when the text has values in it (Django's `help` wants a plain string, made from it when the
parser is made) and its arguments' help with `gettext` inside
`add_arguments`, which runs in the site's language too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django_stubs_ext import StrOrPromise


class SiteLanguageCommand(BaseCommand):
    description: StrOrPromise = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        with translation.override(settings.LANGUAGE_CODE):
            self.help = str(self.describe() or self.help)
            return super().create_parser(prog_name, subcommand, **kwargs)

    def describe(self) -> StrOrPromise:
        """The command's help, in the site's language when called."""
        return self.description

    def execute(self, *args: Any, **options: Any) -> str | None:
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)

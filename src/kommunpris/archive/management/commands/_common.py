"""Shared pieces of the archive's commands: reading a file and naming the award."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.defaults import DIGITALISERINGSKOMMUN
from kommunpris.awards.models import Award
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.awards.services import ensure_award


def add_award_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--award", metavar="SLUG", help="Utmärkelsens kortnamn (standard: digitaliseringskommun)."
    )


def award_from_options(options: dict[str, object]) -> Award:
    """The named award; the flagship award is created on first use, so a fresh database works."""
    slug = str(options["award"]) if options.get("award") else None
    if slug in (None, DIGITALISERINGSKOMMUN.slug):
        ensure_award(actor=CLI)
    try:
        return award(slug)
    except AwardNotFound as exc:
        raise CommandError(str(exc)) from None


def read_file(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{path}: filen finns inte. Ange sökvägen till en befintlig fil.")
    return file.read_bytes()

"""Names the jury's pages show for the funnel's stages, its rounds and the edition's phases.

The stage and phase names are defined (in English) by the nominations and awards apps, which
keep no catalogue of their own; they are listed here so the jury catalogue carries them in Swedish.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

STAGE_PLURALS: dict[str, Promise] = {
    "candidacy": _("Candidacies"),
    "nominee": _("Nominees"),
    "finalist": _("Finalists"),
}

ROUND_NAMES: dict[str, Promise] = {
    "candidacy": _("the round for all candidacies"),
    "nominee": _("the round for nominees"),
    "finalist": _("the round for finalists"),
}

CATALOGUE_ONLY = (
    gettext_noop("Candidacy"),
    gettext_noop("Nominee"),
    gettext_noop("Finalist"),
    gettext_noop("and"),
    gettext_noop("Draft"),
    gettext_noop("Nominations open"),
    gettext_noop("Nominations closed"),
    gettext_noop("Jury review"),
    gettext_noop("Deliberation"),
    gettext_noop("Decided"),
    gettext_noop("Announced"),
)

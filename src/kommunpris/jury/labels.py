"""Names the jury's pages and messages use for the funnel's stages and its rounds.

The stage names are defined (in English) by the nominations app; they are listed here so the
jury catalogue carries them in Swedish. The edition's phases are named once, by awards' `Phase`
labels and the awards catalogue.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

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

# A stage as a sentence names it: "the round for candidacies", "no candidacy has reached the
# stage finalists".
STAGE_WORDS: dict[str, Promise] = {
    "candidacy": pgettext_lazy("stage, in a sentence", "candidacies"),
    "nominee": pgettext_lazy("stage, in a sentence", "nominees"),
    "finalist": pgettext_lazy("stage, in a sentence", "finalists"),
}

CATALOGUE_ONLY = (
    gettext_noop("Candidacy"),
    gettext_noop("Nominee"),
    gettext_noop("Finalist"),
    gettext_noop("and"),
)

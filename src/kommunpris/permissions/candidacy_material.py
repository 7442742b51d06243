"""Who reads what a municipality sent in (its own answers and its PDF attachments) besides its
own contact: organisers, and the jury — but never a juror conflicted out of the candidacy.

A rule of both stages, so it sits here rather than in `permissions.nominations`, which the
call for nominations asks and which must not load the jury's rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .accounts import is_organiser
from .jury import conflicted_candidacy_ids
from .registry import register

if TYPE_CHECKING:
    from kommunpris.nominations.models import Candidacy

# The Django permission that lets a non-organiser (a juror) read contributions and attachments.
READ_CANDIDACY_MATERIAL = "nominations.view_attachment"


def may_read_candidacy_material(user: Any, candidacy: Candidacy) -> bool:
    """Organisers, and users granted READ_CANDIDACY_MATERIAL (the jury), read what a
    municipality sent in. A juror never reads the material of a candidacy the conflict rule
    (kommunpris.permissions.jury) keeps from them."""
    if is_organiser(user):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_perm(READ_CANDIDACY_MATERIAL)
        and candidacy.pk not in conflicted_candidacy_ids(user, candidacy.edition)
    )


register("nominations.read_material", may_read_candidacy_material)

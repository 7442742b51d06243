"""Template filters of the call: answers shown with the question each was given to.

{% load call %}
{% for row in nomination.answers|answers_to:questions %}<dt>{{ row.label }}</dt>…{% endfor %}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import template

from kommunpris.nominations.models import NominationQuestion
from kommunpris.nominations.questions import Answered, answered

register = template.Library()


@register.filter
def answers_to(
    answers: Mapping[str, str] | None, questions: Sequence[NominationQuestion]
) -> list[Answered]:
    """Every question with its answer ("" when not answered), in the questions' order."""
    return answered(questions or [], answers or {})


@register.filter
def answers_given_to(
    answers: Mapping[str, str] | None, questions: Sequence[NominationQuestion]
) -> list[Answered]:
    """Only the questions that were answered, with their answers."""
    return answered(questions or [], answers or {}, skip_empty=True)

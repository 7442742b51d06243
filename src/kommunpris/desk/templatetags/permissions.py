"""`{% may %}`: templates ask the permission layer by ability name instead of reading flags.

    {% load permissions %}
    {% may "jury.decide" edition as can_decide %}{% if can_decide %}…{% endif %}
    {% may "desk.organise" as organiser %}

The user is the request's (or the context's `user` where no request is at hand). An unknown
ability name fails loudly (`UnknownAbility`), so a typo does not quietly hide a button.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser

from kommunpris.permissions import may as ask

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, ability: str, target: Any = None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user") or AnonymousUser()
    return ask(user, ability, target)

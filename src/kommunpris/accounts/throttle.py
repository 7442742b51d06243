"""Sign-in throttling through django-axes: failures per account and address, lockout, reset.

Axes counts failed password checks by itself (it listens to Django's `user_login_failed`).
A wrong code at the second step is counted here as a failure of the same username from the
same address, so password guesses and code guesses share one limit (AXES_FAILURE_LIMIT).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.http import HttpRequest

from .selectors import account_for


def sign_in_key(written: str) -> str:
    """The name failures are counted under: the account's username when what was typed names
    an account (its address or username, in any case), else what was typed, in lower case. So
    "Anna@Example.se" and "anna@example.se" share one limit, as do an address and a username
    of the same account."""
    account = account_for(written)
    return account.get_username() if account is not None else " ".join(written.split()).lower()


def axes_username(request: HttpRequest, credentials: Any) -> str:
    """django-axes' AXES_USERNAME_CALLABLE: every count and lockout goes by sign_in_key."""
    written = credentials.get("username") if isinstance(credentials, dict) else None
    if not written:
        written = request.POST.get("username", "") if request is not None else ""
    return sign_in_key(str(written or ""))


def _credentials(username: str) -> dict[str, str]:
    return {"username": username}


def is_locked(request: HttpRequest, username: str) -> bool:
    """Whether this username may not sign in from this address right now."""
    return bool(AxesProxyHandler.is_locked(request, _credentials(username)))


def count_failure(request: HttpRequest, username: str) -> bool:
    """Count one failed step; True when it made the lockout start."""
    AxesProxyHandler.user_login_failed(
        sender=__name__, credentials=_credentials(username), request=request
    )
    return just_locked_out(request)


def just_locked_out(request: HttpRequest) -> bool:
    """Axes marks the request whose failure reached the limit (and any refused during it)."""
    return bool(getattr(request, "axes_locked_out", False))


def reset(request: HttpRequest, username: str) -> None:
    """A whole sign-in succeeded: earlier failures from this address no longer count."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        username=sign_in_key(username), ip_address=getattr(request, "axes_ip_address", None)
    )


def locked_until(request: HttpRequest, username: str) -> datetime | None:
    """When the lockout of this username from this address ends (the last counted failure
    plus the cool-off time), or None if nothing is counted."""
    AxesProxyHandler.update_request(request)
    cool_off = get_cool_off(request)
    last = AccessAttempt.objects.filter(
        username=sign_in_key(username), ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(last=Max("attempt_time"))["last"]
    if last is None or cool_off is None:
        return None
    return last + cool_off

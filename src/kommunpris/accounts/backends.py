"""Signing in with an e-mail address: the address finds the account, whatever its case.

Every account signs in with its address, also one made by `createsuperuser` or in the admin
under a username that is not the address; an older account without an address still signs in
with its username. An address that more than one account carries names none of them (the
sign-in fails as for a wrong password), so nobody signs in as someone else by sharing it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from .selectors import account_for


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        written = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if not written or password is None:
            return None
        user = account_for(str(written))
        if user is None:
            # The same work as checking a real password, so the answer's time tells nothing.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

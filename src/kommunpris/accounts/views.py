"""Sign-in and sign-out, the second step, setting up the authenticator app, recovery codes,
and the organiser's list of who has two-factor sign-in.

Each audited step is a call to accounts.services; throttling goes through accounts.throttle
(django-axes). The desk itself is guarded by accounts.middleware.TwoFactorMiddleware.
"""

from __future__ import annotations

import math
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from kommunpris.permissions.accounts import (
    is_verified,
    may_manage_accounts,
    may_reset_two_factor,
    needs_two_factor,
)

from . import selectors, services, throttle
from .forms import CodeForm, RecoveryCodeForm, SignInForm

# Session keys: wrong codes since the password was given, recovery codes to show once, and
# where to go once they are saved.
CODE_FAILURES = "accounts_code_failures"
FRESH_CODES = "accounts_fresh_recovery_codes"
AFTER_CODES = "accounts_after_recovery_codes"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every caller is behind login_required or checks first
    return user


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _continue(next_url: str) -> HttpResponse:
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def _second_step(user: User, next_url: str) -> HttpResponse:
    """After the password: the code page, or setting up the app for someone who has none."""
    target = "login-code" if selectors.has_two_factor(user) else "desk:two-factor-enrol"
    return redirect(_with_next(reverse(target), next_url))


# --- lockout ------------------------------------------------------------------------------


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page shown while sign-in is closed (django-axes' AXES_LOCKOUT_CALLABLE too)."""
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username") or "")
    username = username or request.POST.get("username", "")
    until = throttle.locked_until(request, username) if username else None
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    page = render(
        request,
        "accounts/locked_out.html",
        {"until": until, "minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    if until is not None:
        page["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    return page


def _lock_out(request: HttpRequest, user: User) -> HttpResponse:
    """A code step reached the limit: the half-finished sign-in ends and the lockout starts."""
    username = user.get_username()
    services.record_lockout(username=username, until=throttle.locked_until(request, username))
    auth_logout(request)
    return locked_out(request, credentials={"username": username})


# --- the password step ----------------------------------------------------------------------


class SignInView(LoginView):
    """Password first; people who need two-factor sign-in go on to the code page."""

    template_name = "registration/login.html"
    form_class = SignInForm
    username = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["cooloff_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Counted and recorded under the account's name, however the address was written.
        written = request.POST.get("username", "").strip()[:254]
        self.username = throttle.sign_in_key(written) if written else ""
        if self.username and throttle.is_locked(request, self.username):
            # Closed: the password is not even checked, so a right one is refused too.
            services.record_sign_in_failure(
                username=self.username, step="password", reason="locked_out"
            )
            return locked_out(request, credentials={"username": self.username})
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)
        self.request.session[CODE_FAILURES] = 0
        next_url = self.get_redirect_url()
        if needs_two_factor(user):
            return _second_step(user, next_url)
        services.record_sign_in(user=user, second_factor="none")
        throttle.reset(self.request, user.get_username())
        return _continue(next_url)

    def form_invalid(self, form: Any) -> HttpResponse:
        if self.username and self.request.POST.get("password"):
            services.record_sign_in_failure(
                username=self.username, step="password", reason="wrong_password"
            )
            if throttle.just_locked_out(self.request):
                services.record_lockout(
                    username=self.username,
                    until=throttle.locked_until(self.request, self.username),
                )
                return locked_out(self.request, credentials={"username": self.username})
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SignOutView(LogoutView):
    """Sign-out (POST only), audited; back to the sign-in page with a note."""

    next_page = "login"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.record_sign_out(user=_user(request))
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are signed out."))
        return response


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the same steps as the desk."""
    return redirect(_with_next(reverse("login"), _safe_next(request) or reverse("admin:index")))


# --- the second step ------------------------------------------------------------------------


def _code_failed(
    request: HttpRequest, user: User, next_url: str, form: Any, error: str
) -> HttpResponse | None:
    """Count a wrong code; None means: show the form again with the error."""
    failures = int(request.session.get(CODE_FAILURES, 0)) + 1
    request.session[CODE_FAILURES] = failures
    if throttle.count_failure(request, user.get_username()):
        return _lock_out(request, user)
    if failures >= settings.KOMMUNPRIS_SIGN_IN_CODE_ATTEMPTS:
        auth_logout(request)
        messages.error(
            request,
            _("Too many wrong codes. Sign in again with your e-mail address and password."),
        )
        return redirect(_with_next(reverse("login"), next_url))
    form.add_error("code", error)
    return None


def _second_step_page(
    request: HttpRequest, *, recovery: bool
) -> tuple[User | None, str, HttpResponse | None]:
    """Who is between the two steps, where they are going, or where to send them instead."""
    next_url = _safe_next(request)
    if not request.user.is_authenticated:
        return None, next_url, redirect(_with_next(reverse("login"), next_url))
    user = _user(request)
    if is_verified(user):
        return user, next_url, _continue(next_url)
    if not selectors.has_two_factor(user):
        return user, next_url, redirect(_with_next(reverse("desk:two-factor-enrol"), next_url))
    if throttle.is_locked(request, user.get_username()):
        services.record_sign_in_failure(
            username=user.get_username(),
            step="recovery_code" if recovery else "code",
            reason="locked_out",
            user=user,
        )
        auth_logout(request)
        return user, next_url, locked_out(request, credentials={"username": user.get_username()})
    return user, next_url, None


@never_cache
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """The six digits from the authenticator app."""
    user, next_url, elsewhere = _second_step_page(request, recovery=False)
    if elsewhere is not None or user is None:
        return elsewhere  # type: ignore[return-value]
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = services.sign_in_with_code(user=user, code=form.cleaned_data["code"])
            except services.CodeThrottled as exc:
                form.add_error("code", str(exc))
            except services.AccountError as exc:
                if (failed := _code_failed(request, user, next_url, form, str(exc))) is not None:
                    return failed
            else:
                return _verified(request, user, device, next_url)
    return render(request, "accounts/code.html", {"form": form, "next": next_url}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def recovery(request: HttpRequest) -> HttpResponse:
    """A recovery code instead of the app: it works once."""
    user, next_url, elsewhere = _second_step_page(request, recovery=True)
    if elsewhere is not None or user is None:
        return elsewhere  # type: ignore[return-value]
    form = RecoveryCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device, left = services.sign_in_with_recovery_code(
                    user=user, code=form.cleaned_data["code"]
                )
            except services.CodeThrottled as exc:
                form.add_error("code", str(exc))
            except services.AccountError as exc:
                if (failed := _code_failed(request, user, next_url, form, str(exc))) is not None:
                    return failed
            else:
                note = ngettext(
                    "You signed in with a recovery code. You have %(count)d recovery code left.",
                    "You signed in with a recovery code. You have %(count)d recovery codes left.",
                    left,
                ) % {"count": left}
                if left <= 3:
                    note += " " + _("Make new recovery codes on your account page.")
                messages.warning(request, note)
                return _verified(request, user, device, next_url)
    return render(
        request, "accounts/recovery.html", {"form": form, "next": next_url}, status=status
    )


def _verified(request: HttpRequest, user: User, device: Any, next_url: str) -> HttpResponse:
    request.session.cycle_key()  # a new session id for the fully signed-in session
    otp_login(request, device)
    request.session.pop(CODE_FAILURES, None)
    throttle.reset(request, user.get_username())
    return _continue(next_url)


# --- setting up the app and the recovery codes ----------------------------------------------


def _qr_svg(uri: str) -> str:
    """The otpauth:// link as an inline SVG QR code (no image request, no JavaScript)."""
    qr = segno.make(uri, error="m")
    # A viewBox and no size of its own: CSS scales the whole code, quiet zone and all.
    svg = qr.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        light="#fff",
        title=_("QR code for your authenticator app"),
    )
    return str(svg).replace("<svg ", '<svg role="img" ', 1)


def _grouped(text: str, size: int = 4) -> str:
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan or type the secret, confirm with a first code."""
    user = _user(request)
    next_url = _safe_next(request)
    if selectors.has_two_factor(user):
        if is_verified(user):
            messages.info(request, _("Two-factor sign-in is already set up."))
            return redirect("desk:account")
        return redirect(_with_next(reverse("login-code"), next_url))
    device = services.begin_enrolment(user=user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = services.confirm_enrolment(
                    user=user, device=device, code=form.cleaned_data["code"]
                )
            except services.AccountError as exc:
                form.add_error("code", str(exc))
            else:
                device.refresh_from_db()
                request.session.cycle_key()
                otp_login(request, device)
                request.session.pop(CODE_FAILURES, None)
                request.session[FRESH_CODES] = codes
                request.session[AFTER_CODES] = next_url
                throttle.reset(request, user.get_username())
                return redirect("desk:recovery-codes")
    uri = device.config_url
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": next_url,
            "secret": _grouped(secret),
            "uri": uri,
            "qr": _qr_svg(uri),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
        status=status,
    )


def _fresh_codes(request: HttpRequest) -> list[str]:
    codes = request.session.get(FRESH_CODES)
    return [services.format_recovery_code(c) for c in codes] if isinstance(codes, list) else []


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once; "I have saved them" forgets them for good."""
    if request.method == "POST":
        request.session.pop(FRESH_CODES, None)
        return _continue(str(request.session.pop(AFTER_CODES, "") or ""))
    return render(request, "accounts/recovery_codes.html", {"codes": _fresh_codes(request)})


@never_cache
@login_required
def recovery_codes_text(request: HttpRequest) -> HttpResponseBase:
    """The same codes as a text file to save or print, while they are still on show."""
    codes = _fresh_codes(request)
    if not codes:
        raise Http404(_("The recovery codes are shown only once. Make new ones if you need them."))
    user = _user(request)
    body = render(
        request,
        "accounts/recovery_codes.txt",
        {"codes": codes, "username": user.get_username(), "issuer": settings.OTP_TOTP_ISSUER},
        content_type="text/plain; charset=utf-8",
    )
    body["Content-Disposition"] = 'attachment; filename="reservkoder-kommunpris.txt"'
    return body


@login_required
@require_POST
def regenerate_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        codes = services.regenerate_recovery_codes(user=user)
    except services.AccountError as exc:
        messages.error(request, str(exc))
        return redirect("desk:account")
    request.session[FRESH_CODES] = codes
    request.session[AFTER_CODES] = reverse("desk:account")
    return redirect("desk:recovery-codes")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The person's own sign-in: whether two-factor is on, recovery codes left."""
    user = _user(request)
    return render(
        request,
        "accounts/account.html",
        {
            "device": selectors.totp_device(user),
            "codes_left": selectors.recovery_codes_left(user),
            "required": needs_two_factor(user),
            "manages": may_manage_accounts(user),
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        },
    )


# --- the organiser ----------------------------------------------------------------------


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Everyone who must sign in with two factors, whether they have set it up; reset."""
    user = _user(request)
    if not may_manage_accounts(user):
        raise Http404(_("There is no such page."))
    rows = [(p, may_reset_two_factor(user, p.user)) for p in selectors.people_who_need_two_factor()]
    return render(request, "accounts/people.html", {"rows": rows})


@login_required
@require_POST
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_object_or_404(User, pk=pk)
    if not may_reset_two_factor(user, person):
        raise Http404(_("There is no such page."))
    try:
        services.reset_two_factor(person=person, actor=user)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Two-factor sign-in for %(person)s is reset. They set it up again the next "
                "time they sign in."
            )
            % {"person": person.email or person.get_username()},
        )
    return redirect("desk:two-factor-people")

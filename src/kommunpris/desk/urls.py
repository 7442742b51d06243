"""URLs of the desk; each part of the workflow adds its own module of routes."""

from __future__ import annotations

from django.urls import include, path

from kommunpris.accounts import views as accounts

from . import dashboard_views, mail_views, views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("nomineringar/", include("kommunpris.desk.nominations_urls")),
    path("jury/", include("kommunpris.desk.jury_urls")),
    # The organiser: one edition's dashboard, its reminders and its calendar.
    path("oversikt/<int:year>/", dashboard_views.dashboard, name="dashboard"),
    path(
        "oversikt/<int:year>/paminnelser/",
        dashboard_views.reminder_settings,
        name="dashboard-reminders",
    ),
    # The organiser: e-mail the worker gave up on, and sending it again.
    path("e-post/", mail_views.mail, name="mail"),
    path("e-post/<int:pk>/skicka-igen/", mail_views.retry, name="mail-retry"),
    # The organiser: an edition's messages, their texts, and bulk mail.
    path("e-post/", include("kommunpris.desk.mail_urls")),
    # The person's own sign-in: two-factor set-up, recovery codes; the organiser's list.
    path("konto/", accounts.account, name="account"),
    path("konto/tvastegsverifiering/", accounts.enrol, name="two-factor-enrol"),
    path("konto/reservkoder/", accounts.recovery_codes, name="recovery-codes"),
    path("konto/reservkoder.txt", accounts.recovery_codes_text, name="recovery-codes-text"),
    path(
        "konto/reservkoder/nya/",
        accounts.regenerate_recovery_codes,
        name="recovery-codes-regenerate",
    ),
    path("konto/personer/", accounts.people, name="two-factor-people"),
    path("konto/personer/<int:pk>/aterstall/", accounts.reset, name="two-factor-reset"),
]

# Sign-in in two steps (password, then a code from the app or a recovery code) and sign-out.
auth_urlpatterns = [
    path("logga-in/", accounts.SignInView.as_view(), name="login"),
    path("logga-in/kod/", accounts.code, name="login-code"),
    path("logga-in/reservkod/", accounts.recovery, name="login-recovery"),
    path("logga-ut/", accounts.SignOutView.as_view(), name="logout"),
]

# The admin's own sign-in and sign-out pages lead to the same steps (and the same audit).
admin_auth_urlpatterns = [
    path("admin/login/", accounts.admin_sign_in, name="admin-login"),
    path("admin/logout/", accounts.SignOutView.as_view(), name="admin-logout"),
]

"""Desk routes for the organiser's mail of an edition: its messages' texts and its bulk mail."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import bulk_mail_views, mail_template_views

urlpatterns: list[URLPattern] = [
    path("<int:year>/", mail_template_views.edition_mail, name="mail-edition"),
    path(
        "<int:year>/meddelanden/<str:message>/<str:language>/",
        mail_template_views.template,
        name="mail-template",
    ),
    path(
        "<int:year>/meddelanden/<str:message>/<str:language>/aterstall/",
        mail_template_views.template_reset,
        name="mail-template-reset",
    ),
    path("<int:year>/utskick/", bulk_mail_views.bulk_mail, name="mail-bulk"),
    path("<int:year>/utskick/<int:pk>/", bulk_mail_views.mailing, name="mail-mailing"),
]

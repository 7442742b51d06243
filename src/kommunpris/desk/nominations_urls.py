"""Desk routes for the organiser's and the municipality contact's work on nominations."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import feedback_views
from . import nominations_views as views

urlpatterns: list[URLPattern] = [
    # The organiser: editions and their call for nominations.
    path("", views.editions, name="nominations"),
    path("upplagor/ny/", views.edition_create, name="nominations-edition-create"),
    path("<int:year>/oppna/", views.edition_open, name="nominations-edition-open"),
    path("<int:year>/stang/", views.edition_close, name="nominations-edition-close"),
    path("<int:year>/oppna-igen/", views.edition_reopen, name="nominations-edition-reopen"),
    path("<int:year>/andra/", views.edition_edit, name="nominations-edition-edit"),
    # The organiser: the field of an edition.
    path("<int:year>/", views.field, name="nominations-field"),
    path("<int:year>/sla-ihop/", views.join, name="nominations-join"),
    path("<int:year>/kandidatur/<int:pk>/", views.candidacy_detail, name="nominations-candidacy"),
    path("<int:year>/nomineringar/", views.nomination_list, name="nominations-list"),
    path("<int:year>/nomineringar/<int:pk>/avvisa/", views.reject, name="nominations-reject"),
    path("<int:year>/nomineringar.csv", views.nominations_csv, name="nominations-csv"),
    path("<int:year>/kandidaturer.csv", views.candidacies_csv, name="nominations-candidacies-csv"),
    path("<int:year>/kontakter/", views.contacts, name="nominations-contacts"),
    # Organisers and the jury: the municipalities' PDF attachments.
    path("bilagor/<int:pk>/", views.attachment_download, name="nominations-attachment"),
    # The municipality contact.
    path("kommun/", views.contact_home, name="nominations-contact"),
    path("kommun/logga-in/", views.contact_signin, name="nominations-contact-signin"),
    path("kommun/lank/<str:token>/", views.contact_link, name="nominations-contact-link"),
    path("kommun/logga-ut/", views.contact_signout, name="nominations-contact-signout"),
    path("kommun/svar/", views.contact_respond, name="nominations-contact-respond"),
    path("kommun/bidrag/", views.contact_contribution, name="nominations-contact-contribution"),
    # A document alone, or with the answers: the same form.
    path("kommun/bilagor/", views.contact_contribution, name="nominations-contact-upload"),
    path(
        "kommun/bilagor/<int:pk>/",
        views.contact_attachment,
        name="nominations-contact-attachment",
    ),
    path(
        "kommun/bilagor/<int:pk>/ta-bort/",
        views.contact_remove,
        name="nominations-contact-remove",
    ),
    # The contact's feedback report from the jury, once released.
    path("kommun/aterkoppling/", feedback_views.report, name="nominations-contact-feedback"),
    path(
        "kommun/aterkoppling.pdf",
        feedback_views.report_pdf,
        name="nominations-contact-feedback-pdf",
    ),
]

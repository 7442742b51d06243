"""Desk routes for the organiser's and the municipality contact's work on nominations."""

from __future__ import annotations

from django.urls import URLPattern, path

from .nominations_views import (
    attachments,
    contact,
    contact_access,
    contacts,
    editions,
    exports,
    field,
)

urlpatterns: list[URLPattern] = [
    # The organiser: editions and their call for nominations.
    path("", editions.editions, name="nominations"),
    path("upplagor/ny/", editions.edition_create, name="nominations-edition-create"),
    path("<int:year>/oppna/", editions.edition_open, name="nominations-edition-open"),
    path("<int:year>/stang/", editions.edition_close, name="nominations-edition-close"),
    path("<int:year>/oppna-igen/", editions.edition_reopen, name="nominations-edition-reopen"),
    path("<int:year>/andra/", editions.edition_edit, name="nominations-edition-edit"),
    # The organiser: the field of an edition.
    path("<int:year>/", field.field, name="nominations-field"),
    path("<int:year>/sla-ihop/", field.join, name="nominations-join"),
    path("<int:year>/kandidatur/<int:pk>/", field.candidacy_detail, name="nominations-candidacy"),
    path("<int:year>/nomineringar/", field.nomination_list, name="nominations-list"),
    path("<int:year>/nomineringar/<int:pk>/avvisa/", field.reject, name="nominations-reject"),
    path("<int:year>/nomineringar.csv", exports.nominations_csv, name="nominations-csv"),
    path(
        "<int:year>/kandidaturer.csv", exports.candidacies_csv, name="nominations-candidacies-csv"
    ),
    path("<int:year>/kontakter/", contacts.contacts, name="nominations-contacts"),
    # Organisers and the jury: the municipalities' PDF attachments.
    path("bilagor/<int:pk>/", attachments.attachment_download, name="nominations-attachment"),
    # The municipality contact.
    path("kommun/", contact.contact_home, name="nominations-contact"),
    path("kommun/logga-in/", contact_access.contact_signin, name="nominations-contact-signin"),
    path("kommun/lank/<str:token>/", contact_access.contact_link, name="nominations-contact-link"),
    path("kommun/logga-ut/", contact_access.contact_signout, name="nominations-contact-signout"),
    path("kommun/svar/", contact.contact_respond, name="nominations-contact-respond"),
    path("kommun/bidrag/", contact.contact_contribution, name="nominations-contact-contribution"),
    # A document alone, or with the answers: the same form.
    path("kommun/bilagor/", contact.contact_contribution, name="nominations-contact-upload"),
    path(
        "kommun/bilagor/<int:pk>/",
        contact.contact_attachment,
        name="nominations-contact-attachment",
    ),
    path(
        "kommun/bilagor/<int:pk>/ta-bort/",
        contact.contact_remove,
        name="nominations-contact-remove",
    ),
]

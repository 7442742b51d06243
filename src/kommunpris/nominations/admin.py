"""Read-only admin views of the call for nominations: every change goes through the services
(and the desk), so the admin only shows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Attachment, Candidacy, MunicipalityContact, Nomination


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Candidacy)
class CandidacyAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "edition", "stage", "response", "created_at"]
    list_filter = ["edition", "stage", "response"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "edition", "status", "nominator_name", "submitted_at"]
    list_filter = ["edition", "status"]
    search_fields = ["municipality__name", "nominator_name", "nominator_email"]
    exclude = ["token_hash"]


@admin.register(MunicipalityContact)
class MunicipalityContactAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "edition", "email", "notified_at"]
    list_filter = ["edition"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "candidacy", "size", "uploaded_at"]
    exclude = ["stored_name"]

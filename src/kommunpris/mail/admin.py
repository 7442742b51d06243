"""The outbox in the admin: read-only, and never a link that works (the bodies show where each
link goes, not the link; what links are built from is not shown at all)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import OutgoingMail
from .services import stored_text


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin[OutgoingMail]):
    list_display = ["created_at", "template", "to", "status", "attempts"]
    list_filter = ["status", "template"]
    readonly_fields = [
        *[
            f.name
            for f in OutgoingMail._meta.fields
            if f.name not in ("body_text", "body_html", "links")
        ],
        "text",
        "html",
    ]
    exclude = ["body_text", "body_html", "links"]

    def has_add_permission(self, request: object) -> bool:
        return False

    @admin.display(description=_("text"))
    def text(self, mail: OutgoingMail) -> str:
        return stored_text(mail.body_text, mail)

    @admin.display(description=_("HTML"))
    def html(self, mail: OutgoingMail) -> str:
        return stored_text(mail.body_html, mail)

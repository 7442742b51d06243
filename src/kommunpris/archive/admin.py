from django.contrib import admin

from .models import ArchivePage, Winner


@admin.register(ArchivePage)
class ArchivePageAdmin(admin.ModelAdmin[ArchivePage]):
    list_display = ["award", "title"]


@admin.register(Winner)
class WinnerAdmin(admin.ModelAdmin[Winner]):
    """Read-only here: winners come from the import or the jury's decision."""

    list_display = ["edition", "display_name", "municipality"]
    readonly_fields = [f.name for f in Winner._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        # A deleted winner would leave the archive without a trace in the audit log.
        return False

from django.contrib import admin

from .models import ArchivePage, Winner, WinnerMunicipality


@admin.register(ArchivePage)
class ArchivePageAdmin(admin.ModelAdmin[ArchivePage]):
    list_display = ["award", "title"]


class WinnerMunicipalityInline(admin.TabularInline[WinnerMunicipality, Winner]):
    model = WinnerMunicipality
    fields = ["position", "municipality"]
    readonly_fields = ["position", "municipality"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Winner)
class WinnerAdmin(admin.ModelAdmin[Winner]):
    """Read-only here: winners come from the import or the jury's decision."""

    list_display = ["edition", "display_name"]
    readonly_fields = [f.name for f in Winner._meta.fields]
    inlines = [WinnerMunicipalityInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        # A deleted winner would leave the archive without a trace in the audit log.
        return False

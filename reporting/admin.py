from django.contrib import admin

from reporting.ndtms.models import CdsCode, CdsField, CoreDataSetVersion


class CdsFieldInline(admin.TabularInline):
    model = CdsField
    extra = 0
    fields = ("position", "name", "source", "format", "required_in", "to_confirm")
    readonly_fields = fields
    can_delete = False


@admin.register(CoreDataSetVersion)
class CoreDataSetVersionAdmin(admin.ModelAdmin):
    """A version's fields and codes are as loaded from its pack; the
    administrator chooses only from when it is in force."""

    list_display = ("name", "in_force_from", "description", "loaded_at")
    fields = ("name", "description", "date_format", "in_force_from", "loaded_at")
    readonly_fields = ("name", "description", "date_format", "loaded_at")
    inlines = [CdsFieldInline]

    def has_add_permission(self, request):
        return False  # versions come from packs (manage.py ndtms_reference load)


@admin.register(CdsCode)
class CdsCodeAdmin(admin.ModelAdmin):
    list_display = ("version", "code_list", "local_code", "national_code", "label", "to_confirm")
    list_filter = ("version", "code_list", "to_confirm")
    search_fields = ("local_code", "national_code", "label")
    readonly_fields = ("version", "code_list", "local_code", "national_code", "label")

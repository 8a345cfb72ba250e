from django.contrib import admin

from keywork.models import DischargeReason, Intervention


@admin.register(DischargeReason)
class DischargeReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "completed", "sort_order")


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "sort_order")

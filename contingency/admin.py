from django.contrib import admin

from contingency.models import ServiceCMSettings


@admin.register(ServiceCMSettings)
class ServiceCMSettingsAdmin(admin.ModelAdmin):
    """The service's CM defaults. Plans, tests and vouchers are clinical
    records: they change through the screens' actions, with their history."""

    list_display = ("service", "voucher_base", "voucher_step", "voucher_max", "opening_days")

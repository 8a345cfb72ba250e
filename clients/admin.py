from django.contrib import admin

from clients.models import EthnicCategory, ReferralSource, Sex, Substance

# Clinical records are deliberately not in the admin: administrators
# configure the system and have no need to know about clients.


@admin.register(Sex)
class SexAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "sort_order")


@admin.register(EthnicCategory)
class EthnicCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "broad_group", "sort_order")


@admin.register(ReferralSource)
class ReferralSourceAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "ndtms_code", "reporting_group", "sort_order")


@admin.register(Substance)
class SubstanceAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "ndtms_code", "sort_order")

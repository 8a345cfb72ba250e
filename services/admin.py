from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from services.models import Membership, Service, User
from services.security.admin_actions import reset_second_factor


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class StaffAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Profile", {"fields": ("full_name",)}),)
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    inlines = [MembershipInline]
    actions = [reset_second_factor]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tier", "open_access_drop_in", "day_programme_weeks")
    inlines = [MembershipInline]

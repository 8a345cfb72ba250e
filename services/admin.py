from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.forms.models import BaseInlineFormSet

from services.forms import MembershipForm, StaffCreationForm, check_memberships_of
from services.models import LocalAuthority, Membership, Service, User


class LabelledRowsFormSet(BaseInlineFormSet):
    """Django's tabular inline heads its columns but labels no field in a
    row, so a screen reader meets unnamed selects and checkboxes (axe:
    select-name, label). Name each one after its column and row."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            widget.attrs["aria-label"] = f"{field.label} ({row})"

    def clean(self):
        super().clean()
        if isinstance(self.instance, User):
            check_memberships_of(self.instance, self.forms)


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    formset = LabelledRowsFormSet
    extra = 1


@admin.register(User)
class StaffAdmin(UserAdmin):
    # No password here: nobody sets another person's password. They set
    # their own from a set-up link (security's admin adds that action).
    fieldsets = (
        ((None, {"fields": ("username",)}),)  # type: ignore[assignment,operator]
        + UserAdmin.fieldsets[1:]  # type: ignore[index]
        + (("Profile", {"fields": ("full_name",)}),)
    )
    add_form = StaffCreationForm
    add_fieldsets = ((None, {"fields": ("username", "full_name", "email")}),)
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    # Set by sign-in, never typed (and Django's split date-time boxes carry no
    # labels); roles come from memberships, so groups and permissions need no
    # two-box picker, whose help icons misuse aria-label.
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    inlines = [MembershipInline]

    def get_urls(self):
        # Django's "change another user's password" page is not offered.
        return [u for u in super().get_urls() if not str(u.pattern).endswith("password/")]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "tier",
        "open_access_drop_in",
        "day_programme_weeks",
        "ndtms_agency_code",
    )
    inlines = [MembershipInline]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "to_confirm")
    search_fields = ("code", "name")

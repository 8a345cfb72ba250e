"""The staff admin's forms: an administrator holds no clinical membership
(the database has the same rule as a trigger), and nobody sets another
person's password (new staff choose their own from a set-up link)."""

from django import forms
from django.core.exceptions import ValidationError

from services.models import CLINICAL_ROLES, Membership, User

NOT_CLINICAL = (
    "An administrator holds no clinical membership: give this person a separate "
    "account for clinical work, or take away administrator status first."
)


# --- the form rule (the database has the same rule as a trigger) --------------


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "service", "role"]

    def clean(self):
        data = super().clean()
        user = data.get("user")
        if user is not None and user.is_superuser and data.get("role") in CLINICAL_ROLES:
            raise ValidationError(NOT_CLINICAL)
        return data


def check_memberships_of(user: User, formset_forms) -> None:
    """A user made an administrator in the same form that keeps clinical rows."""
    if not user.is_superuser:
        return
    for form in formset_forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data and not data.get("DELETE") and data.get("role") in CLINICAL_ROLES:
            raise ValidationError(NOT_CLINICAL)


class StaffCreationForm(forms.ModelForm):
    """A new member of staff: no password. They set their own from the
    set-up link the administrator sends."""

    class Meta:
        model = User
        fields = ["username", "full_name", "email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user

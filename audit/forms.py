from django import forms

from clients.forms import DateInput
from clients.models import BreakGlassCategory
from clients.queries import search_term_parts


class BreakGlassForm(forms.Form):
    reference = forms.CharField(
        label="Client reference",
        max_length=40,
        required=False,
        help_text="From the client's own service. Or give initials and date of birth below.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    initials = forms.CharField(
        label="Initials",
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        widget=DateInput,
    )
    category = forms.ChoiceField(
        label="Kind of reason",
        choices=[("", "Choose one")] + list(BreakGlassCategory.choices),
    )
    reason = forms.CharField(
        label="Why you need this record",
        min_length=15,
        max_length=2000,
        help_text="For example: client transferring to us from their service; shared care. "
        "Your reason, name and the time are recorded and the client's service manager is told.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("reference") and not (data.get("initials") and data.get("date_of_birth")):
            raise forms.ValidationError(
                "Give the client reference, or both initials and date of birth."
            )
        return data

    def focus_what_is_missing(self) -> None:
        """Started from a search: the cursor goes where the user types next."""
        initial = self.initial
        if initial.get("reference") or (initial.get("initials") and initial.get("date_of_birth")):
            name = "reason"
        elif initial.get("initials"):
            name = "date_of_birth"
        elif initial.get("date_of_birth"):
            name = "initials"
        else:
            name = "reference"
        self.fields[name].widget.attrs["autofocus"] = True


class FromSearchForm(forms.Form):
    """What a search of one's own services found nothing for, handed to the
    break-glass form in the POST body (never a URL)."""

    q = forms.CharField(max_length=60)

    def initial_for_break_glass(self) -> dict:
        return search_term_parts(self.cleaned_data["q"]) if self.is_valid() else {}

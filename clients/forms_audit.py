from django import forms


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
        widget=forms.DateInput(attrs={"type": "date"}),
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

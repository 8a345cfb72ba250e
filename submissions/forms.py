import uuid

from django import forms


class SubmissionKeyMixin(forms.Form):
    """Adds the hidden `submission_key`: a new uuid each time the form is
    shown; a form re-shown with its errors keeps the key it was sent with.
    Render it in the template with {{ form.submission_key }}."""

    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

"""Drop-in forms: a session, and the anonymous count."""

from django import forms

from clients.forms import DateInput, PathwayForm
from nectos import clock
from services.models import Service


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class DropInSessionForm(PathwayForm):
    service = ServiceChoiceField(queryset=Service.objects.none(), empty_label=None)
    session_date = forms.DateField(label="Date", widget=DateInput)
    label = forms.CharField(max_length=60, required=False, help_text="For example: Evening.")
    anonymous_count = forms.IntegerField(
        label="Anonymous attendances",
        min_value=0,
        max_value=10000,
        initial=0,
        help_text="People who came but gave no name. You can count at the door later.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = (
            Service.objects.clinical_for(user).filter(open_access_drop_in=True).order_by("name")
        )
        if not self.is_bound:
            self.initial.setdefault("session_date", clock.today())


class AnonymousCountForm(PathwayForm):
    anonymous_count = forms.IntegerField(
        label="Anonymous attendances", min_value=0, max_value=10000
    )

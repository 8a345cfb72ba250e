"""Care plan forms: a goal in the client's words, and a dated review."""

from django import forms

from clients.forms import DateInput, PathwayForm
from keywork.forms.contacts import FutureDateInput
from keywork.models import GoalDomain, GoalStatus
from nectos import clock


def _no_max(form: PathwayForm, *names: str) -> None:
    for name in names:
        form.fields[name].widget.attrs.pop("max", None)


class GoalForm(PathwayForm):
    text = forms.CharField(
        label="Goal, in the client's words",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    domain = forms.ChoiceField(choices=[("", "Choose…"), *GoalDomain.choices])
    target_date = forms.DateField(required=False, widget=FutureDateInput)
    next_review_date = forms.DateField(
        label="First review",
        required=False,
        widget=FutureDateInput,
        help_text="Empty: four weeks from today, or the target date if sooner.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_max(self, "target_date", "next_review_date")


class GoalEditForm(PathwayForm):
    text = forms.CharField(
        label="Goal, in the client's words",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    domain = forms.ChoiceField(choices=GoalDomain.choices)
    target_date = forms.DateField(required=False, widget=FutureDateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_max(self, "target_date")


class GoalReviewForm(PathwayForm):
    review_date = forms.DateField(widget=DateInput)
    note = forms.CharField(
        label="Review note",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(label="The goal is now", choices=GoalStatus.choices)
    next_review_date = forms.DateField(
        label="Next review",
        required=False,
        widget=FutureDateInput,
        help_text="Open goals only. Empty: four weeks after this review.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_max(self, "next_review_date")
        if not self.is_bound:
            self.initial.setdefault("review_date", clock.today())
            self.initial.setdefault("status", GoalStatus.OPEN)

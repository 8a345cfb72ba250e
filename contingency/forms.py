from typing import Any

from django import forms

from clients.forms import DateInput
from clients.models import Substance
from contingency.models import DEFAULT_WEEKS, SampleType, TestResult
from submissions.forms import SubmissionKeyMixin

MONEY: dict[str, Any] = {"max_digits": 7, "decimal_places": 2, "min_value": 0}


class VoucherScheduleForm(forms.Form):
    voucher_base = forms.DecimalField(label="First voucher (£)", **MONEY)
    voucher_step = forms.DecimalField(label="Added for each negative in a row (£)", **MONEY)
    voucher_max = forms.DecimalField(label="Largest voucher (£)", **MONEY)


class PlanStartForm(SubmissionKeyMixin, VoucherScheduleForm):
    start_date = forms.DateField(widget=DateInput())
    weeks = forms.IntegerField(
        initial=DEFAULT_WEEKS,
        min_value=1,
        max_value=52,
        help_text="3 tests a week in weeks 1 to 3, 2 a week in weeks 4 to 6, 1 a week after.",
    )
    field_order = ["start_date", "weeks", "voucher_base", "voucher_step", "voucher_max"]


class TestRecordForm(SubmissionKeyMixin, forms.Form):
    """The result first and focused: typing n picks Negative and Enter saves
    (static/js/cm.js), with the sample defaulting to urine and the date to
    the scheduled day."""

    result = forms.ChoiceField(
        choices=[("", "Choose a result")] + TestResult.choices,
        widget=forms.Select(attrs={"autofocus": True, "data-submit-on-enter": ""}),
        help_text="Type n for negative, p positive, i invalid, r refused; Enter saves.",
    )
    sample = forms.ChoiceField(choices=SampleType.choices, initial=SampleType.URINE)
    tested_date = forms.DateField(label="Test date", widget=DateInput())
    substances_positive = forms.MultipleChoiceField(
        label="Positive for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For a positive result only.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substances_positive"].choices = [
            (s.code, s.label) for s in Substance.objects.order_by("sort_order", "code")
        ]


class TestMoveForm(forms.Form):
    scheduled_date = forms.DateField(label="New day", widget=DateInput(attrs={"autofocus": True}))


class VoucherIssueForm(SubmissionKeyMixin, forms.Form):
    amount = forms.DecimalField(label="Amount (£)", max_digits=7, decimal_places=2)
    issued_date = forms.DateField(label="Date issued", widget=DateInput())


class PlanCloseForm(forms.Form):
    closed_on = forms.DateField(label="End date", widget=DateInput())

import datetime as dt

from django import forms

from clients.forms import DateInput, PathwayForm
from nectos import clock
from reporting.returns.quarters import Quarter
from services.models import Service

# How far back a return may be asked for from the page (the command has no limit).
QUARTERS_OFFERED = 12
# The extract is for a submission period, not the whole history at once.
EXTRACT_MAX_DAYS = 366


class QuarterForm(PathwayForm):
    quarter = forms.ChoiceField(
        label="Quarter", help_text="Only quarters that have ended can be returned."
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [  # type: ignore[attr-defined]
            (str(q), f"{q} ({q.label})") for q in Quarter.recent(today, QUARTERS_OFFERED)
        ]

    def clean_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])


class ExtractForm(PathwayForm):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)
    start = forms.DateField(label="From", widget=DateInput)
    end = forms.DateField(label="To", widget=DateInput)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        today = clock.today()
        if end and end > today:
            self.add_error("end", "The end of the range cannot be after today.")
        if start and end:
            if start > end:
                self.add_error("start", "The range must start on or before its end.")
            elif (end - start).days >= EXTRACT_MAX_DAYS:
                self.add_error("start", "Choose a range of a year or less.")
        return data

import datetime as dt

from django import forms

from clients.forms import PathwayForm
from reporting.returns.quarters import Quarter

# How far back a return may be asked for from the page (the command has no limit).
QUARTERS_OFFERED = 12


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

import datetime as dt

from django import forms

from clients.forms import PathwayForm
from services.models import Service

# Months offered on the page (the command takes any month that has ended).
MONTHS_OFFERED = 12


def ended_months(today: dt.date, n: int = MONTHS_OFFERED) -> list[dt.date]:
    """The first days of the n months before today's, latest first."""
    months = []
    month = today.replace(day=1)
    for _ in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


class ExtractForm(PathwayForm):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)
    month = forms.ChoiceField(label="Month", help_text="Only months that have ended.")

    def __init__(self, *args, services, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        months = [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in ended_months(today)]
        self.fields["month"].choices = months  # type: ignore[attr-defined]

    def clean_month(self) -> dt.date:
        return dt.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()

import datetime as dt

from django import forms

from reporting.dashboards.quarters import Quarter, recent_quarters


class PeriodForm(forms.Form):
    """Which cohort a dashboard shows: a quarter, as things stood on a date."""

    quarter = forms.ChoiceField(
        label="Quarter",
        help_text="Referrals dated, and episodes started, in these three months.",
    )
    as_of = forms.DateField(
        label="As of",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Figures as things stood on this date; anything recorded as later is left out.",
    )

    def __init__(self, data=None, *, today: dt.date):
        self.today = today
        quarters = recent_quarters(today)
        if data is not None and not (data.get("quarter") or data.get("as_of")):
            data = None  # nothing chosen yet: the defaults
        initial = {"quarter": quarters[1].code, "as_of": today.isoformat()}
        super().__init__(data if data is not None else initial)
        self.fields["quarter"].choices = [(q.code, q.label) for q in quarters]  # type: ignore[attr-defined]
        self.fields["as_of"].widget.attrs["max"] = today.isoformat()

    def clean_as_of(self) -> dt.date:
        as_of = self.cleaned_data["as_of"]
        if as_of > self.today:
            raise forms.ValidationError("Choose today or an earlier date.")
        return as_of

    def clean(self):
        super().clean()
        data = self.cleaned_data
        quarter = data.get("quarter")
        as_of = data.get("as_of")
        if quarter and as_of:
            q = Quarter.parse(quarter)
            if as_of < q.start:
                self.add_error(
                    "as_of",
                    f"The quarter starts on {q.start:%-d %B %Y}: choose that date or a later one.",
                )
            data["period"] = q
        return data

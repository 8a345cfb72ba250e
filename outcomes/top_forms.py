"""The TOP form: one row per item, as on the paper form. A `*_days` item is
four cells (weeks 1 to 4, oldest first) named `<item>_w1`..`<item>_w4`;
every item has a `<item>_declined` box beside it."""

from dataclasses import dataclass

from django import forms

from clients.models import Substance
from outcomes.top_models import (
    AMOUNT_ITEMS,
    DAY_ITEMS,
    DAY_LABELS,
    ITEMS,
    SCORE_ITEMS,
    SUBSTANCE_DAYS,
    WEEKS,
    YES_NO_ITEMS,
    Stage,
    TreatmentOutcomesProfile,
)
from submissions.forms import SubmissionKeyMixin

YES_NO_CHOICES = [("", "Not asked"), ("yes", "Yes"), ("no", "No")]

LABELS = {
    "alcohol_units": "Alcohol: units on a typical using day",
    "crack_spend": "Crack: spend on a typical using day (£)",
    "cocaine_spend": "Cocaine powder: spend on a typical using day (£)",
    "other_substance": "Other substance",
    "sharing": "Shared injecting equipment",
    "assault": "Assault or violence",
    "acute_housing_problem": "Acute housing problem",
    "risk_of_eviction": "At risk of eviction",
    "psychological_health": "Psychological health (0 poor to 20 good)",
    "physical_health": "Physical health (0 poor to 20 good)",
    "quality_of_life": "Quality of life (0 poor to 20 good)",
}
# Sections of the paper form: substance use, injecting, crime, health and
# social functioning.
SUBSTANCE_ROWS = tuple(name for name, _ in SUBSTANCE_DAYS)
INJECTING_ROWS = ("injecting_days",)
CRIME_ROWS = ("shoplifting_days", "selling_days", "other_theft_days")
WORK_ROWS = ("work_days", "education_days")


@dataclass
class GridRow:
    item: str
    label: str
    cells: list
    declined: forms.BoundField
    previous: object  # the previous TOP's value ("declined", list, or None)

    @property
    def errors(self) -> list:
        return [e for cell in self.cells for e in cell.errors]


@dataclass
class SingleRow:
    item: str
    label: str
    field: forms.BoundField
    declined: forms.BoundField
    previous: object


def _week_field(label: str, week: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"{label}, week {week}",
        required=False,
        min_value=0,
        max_value=7,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "pattern": "[0-7]",
                "maxlength": "1",
                "autocomplete": "off",
                "aria-label": f"{label}, week {week}",
                "class": "form-control form-control-sm top-cell",
            }
        ),
    )


def _declined_field(label: str) -> forms.BooleanField:
    return forms.BooleanField(
        label=f"{label}: declined",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input top-declined"}),
    )


class TopForm(SubmissionKeyMixin, forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)
    top_date = forms.DateField(
        label="TOP date",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, previous: TreatmentOutcomesProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous = previous
        self.fields["stage"].widget.attrs["class"] = "form-select"
        for item in DAY_ITEMS:
            for week in range(1, WEEKS + 1):
                self.fields[f"{item}_w{week}"] = _week_field(DAY_LABELS[item], week)
        for item in AMOUNT_ITEMS:
            self.fields[item] = forms.DecimalField(
                label=LABELS[item],
                required=False,
                min_value=0,
                max_digits=7,
                decimal_places=2,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "form-control form-control-sm"}
                ),
            )
        self.fields["other_substance"] = forms.ModelChoiceField(
            Substance.objects.all(), required=False, label=LABELS["other_substance"]
        )
        self.fields["other_substance"].widget.attrs["class"] = "form-select form-select-sm"
        for item in YES_NO_ITEMS:
            self.fields[item] = forms.ChoiceField(
                choices=YES_NO_CHOICES, required=False, label=LABELS[item]
            )
            self.fields[item].widget.attrs["class"] = "form-select form-select-sm"
        for item in SCORE_ITEMS:
            self.fields[item] = forms.IntegerField(
                label=LABELS[item],
                required=False,
                min_value=0,
                max_value=20,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "maxlength": "2",
                        "class": "form-control form-control-sm top-score",
                    }
                ),
            )
        for item in ITEMS:
            label = DAY_LABELS.get(item) or LABELS[item]
            self.fields[f"{item}_declined"] = _declined_field(label)

    # --- Layout for the template --------------------------------------------

    def _previous(self, item: str):
        return None if self.previous is None else self.previous.value(item)

    def grid(self, items) -> list[GridRow]:
        return [
            GridRow(
                item=item,
                label=DAY_LABELS[item],
                cells=[self[f"{item}_w{w}"] for w in range(1, WEEKS + 1)],
                declined=self[f"{item}_declined"],
                previous=self._previous(item),
            )
            for item in items
        ]

    def singles(self, items) -> list[SingleRow]:
        return [
            SingleRow(
                item=item,
                label=LABELS[item],
                field=self[item],
                declined=self[f"{item}_declined"],
                previous=self._previous(item),
            )
            for item in items
        ]

    def sections(self) -> list[tuple[str, list, list]]:
        """(heading, grid rows, single rows) in the paper form's order."""
        return [
            (
                "Substance use",
                self.grid(SUBSTANCE_ROWS),
                self.singles(("alcohol_units", "crack_spend", "cocaine_spend", "other_substance")),
            ),
            ("Injecting", self.grid(INJECTING_ROWS), self.singles(("sharing",))),
            ("Crime", self.grid(CRIME_ROWS), self.singles(("assault",))),
            (
                "Health and social functioning",
                self.grid(WORK_ROWS),
                self.singles(("acute_housing_problem", "risk_of_eviction", *SCORE_ITEMS)),
            ),
        ]

    # --- To and from the model -----------------------------------------------

    @classmethod
    def initial_from(cls, top: TreatmentOutcomesProfile) -> dict:
        initial: dict = {"stage": top.stage, "top_date": top.top_date}
        for item in ITEMS:
            initial[f"{item}_declined"] = top.is_declined(item)
        for item in DAY_ITEMS:
            for week, days in enumerate(getattr(top, item) or (), start=1):
                initial[f"{item}_w{week}"] = days
        for item in AMOUNT_ITEMS + SCORE_ITEMS:
            initial[item] = getattr(top, item)
        for item in YES_NO_ITEMS:
            value = getattr(top, item)
            initial[item] = "" if value is None else ("yes" if value else "no")
        initial["other_substance"] = top.other_substance_id
        return initial

    def clean(self):
        data = super().clean()
        for item in DAY_ITEMS:
            weeks = [data.get(f"{item}_w{w}") for w in range(1, WEEKS + 1)]
            given = [w for w in weeks if w is not None]
            if data.get(f"{item}_declined") and given:
                self.add_error(f"{item}_w1", "Declined: leave the weeks empty.")
            elif given and len(given) != WEEKS:
                self.add_error(f"{item}_w1", "Enter all four weeks (0 when not used).")
        for item in ITEMS:
            if item in DAY_ITEMS or not data.get(f"{item}_declined"):
                continue
            if data.get(item) not in (None, ""):
                self.add_error(item, "Declined: leave this empty.")
        return data

    def fields_for_action(self) -> dict:
        data = self.cleaned_data
        fields: dict = {"stage": data["stage"], "top_date": data["top_date"]}
        fields["declined"] = [i for i in ITEMS if data.get(f"{i}_declined")]
        for item in DAY_ITEMS:
            weeks = [data.get(f"{item}_w{w}") for w in range(1, WEEKS + 1)]
            fields[item] = weeks if all(w is not None for w in weeks) else None
        for item in AMOUNT_ITEMS + SCORE_ITEMS:
            fields[item] = data.get(item)
        for item in YES_NO_ITEMS:
            fields[item] = {"yes": True, "no": False}.get(data.get(item) or "")
        fields["other_substance"] = data.get("other_substance")
        return fields

    def add_model_errors(self, error) -> None:
        """A ValidationError from the action, next to the field it concerns."""
        for name, messages in error.message_dict.items():
            target = f"{name}_w1" if name in DAY_ITEMS else name
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)

from django import forms

from nectos import clock
from outcomes.actions import FORM_FIELDS
from outcomes.models import RATED_TIMEPOINTS, OutcomeForm, ReportedBy, Timepoint
from services.models import Tier
from submissions.forms import SubmissionKeyMixin

YES_NO = [("true", "Yes"), ("false", "No")]

# Fieldsets in the order the form is asked. For a residential admission or
# discharge the ratings come first: they are what the keyworker is there for.
USE = ("crack_days", "crack_spend_per_day")
OTHER_USE = ("heroin_days", "cocaine_days", "alcohol_days", "other_drug_days")
RATINGS = ("cravings", "physical_health", "psychological_health")


class OutcomeFormForm(SubmissionKeyMixin, forms.ModelForm):
    crime_involved = forms.TypedChoiceField(
        label="Involved in crime",
        choices=YES_NO,
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        help_text="In the 30 days before the form date.",
    )

    class Meta:
        model = OutcomeForm
        fields = FORM_FIELDS
        labels = {
            "form_date": "Form date",
            "reported_by": "Reported by",
            "crack_days": "Days crack was used",
            "crack_spend_per_day": "Typical spend per using day (£)",
            "heroin_days": "Days heroin was used",
            "cocaine_days": "Days cocaine powder was used",
            "alcohol_days": "Days alcohol was drunk",
            "other_drug_days": "Days other drugs were used",
            "physical_health": "Physical health (0 to 20)",
            "psychological_health": "Psychological health (0 to 20)",
            "quality_of_life": "Quality of life (0 to 20)",
            "cravings": "Cravings (0 to 10)",
        }
        help_texts = {
            "crack_days": "Of the 30 days before the form date, 0 to 30.",
            "crack_spend_per_day": "Required when crack was used; empty when it was not.",
            "physical_health": "Self-rated: 0 poor, 20 excellent.",
            "psychological_health": "Self-rated: 0 poor, 20 excellent.",
            "quality_of_life": "Self-rated: 0 poor, 20 excellent.",
            "cravings": "0 none, 10 the strongest.",
        }
        widgets = {
            "form_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reported_by": forms.RadioSelect,
            "crack_spend_per_day": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }

    def __init__(self, *args, episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.instance.episode = episode
        # Days out of 30; the spend per using day (in USE) is pounds, not days.
        for name in ("crack_days", *OTHER_USE):
            self.fields[name].widget.attrs.update({"min": 0, "max": 30})
        for name in ("physical_health", "psychological_health", "quality_of_life"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 20})
        self.fields["cravings"].widget.attrs.update({"min": 0, "max": 10})
        self.fields["reported_by"].choices = ReportedBy.choices
        self.fields["timepoint"].choices = Timepoint.choices
        if self.instance.pk is not None:
            self.initial["crime_involved"] = "true" if self.instance.crime_involved else "false"
        if self.is_rated:
            cravings = self.fields["cravings"]
            cravings.required = True
            cravings.error_messages["required"] = (
                "Record cravings (0 to 10): residential ratings are taken at "
                "admission and discharge."
            )

    @property
    def timepoint_value(self) -> str:
        return self["timepoint"].value() or ""

    @property
    def is_rated(self) -> bool:
        """A Tier 4 admission (baseline) or discharge (exit) form."""
        return self.episode.tier == Tier.RESIDENTIAL and self.timepoint_value in RATED_TIMEPOINTS

    @property
    def title(self) -> str:
        if self.instance.pk is not None:
            return f"Edit the {self.instance.get_timepoint_display()} form"
        if self.is_rated:
            if self.timepoint_value == Timepoint.BASELINE:
                return "Admission ratings and baseline form"
            return "Discharge ratings and exit form"
        return "New outcome form"

    def fieldsets(self) -> list[tuple[str, list]]:
        about = [self["timepoint"], self["form_date"], self["reported_by"]]
        use = [self[name] for name in USE]
        other = [self[name] for name in OTHER_USE] + [self["crime_involved"]]
        health = [self["physical_health"], self["psychological_health"], self["quality_of_life"]]
        if self.is_rated:
            moment = "admission" if self.timepoint_value == Timepoint.BASELINE else "discharge"
            ratings = [self[name] for name in RATINGS]
            return [
                ("The form", about),
                (f"Residential ratings at {moment}", ratings),
                ("Crack use in the last 30 days", use),
                ("Other use and crime in the last 30 days", other),
                ("Quality of life", [self["quality_of_life"]]),
            ]
        return [
            ("The form", about),
            ("Crack use in the last 30 days", use),
            ("Other use and crime in the last 30 days", other),
            ("Health and wellbeing", [*health, self["cravings"]]),
        ]


def initial_for(episode, timepoint: str | None) -> dict:
    """A new form: the timepoint asked for (from a badge), dated today or on
    the day the episode ended."""
    today = clock.today()
    day = min(today, episode.end_date) if episode.end_date else today
    initial = {"form_date": day, "reported_by": ReportedBy.KEYWORKER}
    if timepoint in Timepoint.values:
        initial["timepoint"] = timepoint
    return initial

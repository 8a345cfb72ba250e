"""Forms for starting, ending and reallocating episodes."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from clients.access import clinical_staff_of
from clients.forms import DateInput, PathwayForm, not_after_today
from keywork.actions.episodes import check_planned_days
from keywork.models import DischargeReason, Episode
from nectos import clock
from services.models import Tier


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


class EpisodeStartForm(PathwayForm):
    tier = forms.TypedChoiceField(choices=Tier.choices, coerce=int)
    keyworker = StaffChoiceField(queryset=None, empty_label="Choose…")
    start_date = forms.DateField(
        widget=DateInput, help_text="The day of the first treatment intervention."
    )
    planned_days = forms.IntegerField(
        label="Planned length (days)",
        required=False,
        min_value=1,
        max_value=365,
        help_text="Tier 4 residential admissions only.",
    )

    def __init__(self, *args, referral, user, assessed_on: dt.date | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.assessed_on = assessed_on
        staff = clinical_staff_of(referral.service)
        self.fields["keyworker"].queryset = staff  # type: ignore[attr-defined]
        self.fields["tier"].initial = referral.service.tier
        self.fields["start_date"].initial = clock.today()
        self.fields["keyworker"].initial = user.pk

    def clean_start_date(self) -> dt.date:
        day = self.cleaned_data["start_date"]
        not_after_today(day, "start date")
        if day < self.referral.referral_date:
            raise ValidationError("Treatment cannot start before the referral date.")
        if self.assessed_on and day < self.assessed_on:
            raise ValidationError(
                f"Treatment cannot start before the assessment on {self.assessed_on:%d %b %Y}."
            )
        return day

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if "tier" in data:
            try:
                check_planned_days(data["tier"], data.get("planned_days"))
            except ValidationError as error:
                self.add_error(None, error)
        return data


class EpisodeDischargeForm(PathwayForm):
    end_date = forms.DateField(widget=DateInput, help_text="The last day of this episode.")
    discharge_reason = forms.ModelChoiceField(
        label="Reason", queryset=DischargeReason.objects.all(), empty_label="Choose…"
    )

    def __init__(self, *args, episode: Episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["end_date"].initial = clock.today()

    def clean_end_date(self) -> dt.date:
        day = self.cleaned_data["end_date"]
        not_after_today(day, "end date")
        if day < self.episode.start_date:
            raise ValidationError("The end date cannot be before the start date.")
        return day


class EpisodeReassignForm(PathwayForm):
    keyworker = StaffChoiceField(label="New keyworker", queryset=None, empty_label="Choose…")

    def __init__(self, *args, episode: Episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["keyworker"].queryset = clinical_staff_of(episode.referral.service).exclude(  # type: ignore[attr-defined]
            pk=episode.keyworker_id
        )

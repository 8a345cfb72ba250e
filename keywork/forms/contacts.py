"""The contact form: small enough to open in place, with defaults that make
the commonest contact (an hour's keywork in person today) a tick and Enter."""

import datetime as dt

from django import forms

from clients.forms import DateInput, PathwayForm
from clients.models import Attendance
from keywork.actions.contacts import MAX_MINUTES, appointment_rule_errors, contact_rule_errors
from keywork.models import ContactType, Episode, Intervention, Mode
from nectos import clock
from submissions.forms import SubmissionKeyMixin


class FutureDateInput(DateInput):
    """A date input without PathwayForm's max=today: appointments lie ahead."""

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs={"data-future": "true", **(attrs or {})})


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%H:%M")


def intervention_choices() -> list[tuple[str, str]]:
    return list(Intervention.objects.values_list("code", "label"))


class ContactForm(PathwayForm):
    contact_date = forms.DateField(label="Date", widget=DateInput)
    contact_type = forms.ChoiceField(label="Type", choices=ContactType.choices)
    mode = forms.ChoiceField(choices=Mode.choices)
    duration_minutes = forms.IntegerField(
        label="Minutes",
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        help_text="Attended contacts only.",
    )
    attendance = forms.ChoiceField(choices=Attendance.choices)
    interventions = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="Confidential note",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, episode: Episode, **kwargs):
        # Ids unique per episode: the caseload may hold several open loggers.
        kwargs.setdefault("auto_id", f"id_e{episode.pk}_%s")
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["attendance"].widget.attrs.update(
            {"data-attendance": "", "data-duration": self["duration_minutes"].auto_id}
        )
        self.fields["interventions"].choices = intervention_choices()  # type: ignore[attr-defined]
        self.fields["interventions"].widget.attrs["class"] = "form-check-input"
        today = clock.today()
        self.fields["contact_date"].widget.attrs["min"] = episode.start_date.isoformat()
        if episode.end_date:
            self.fields["contact_date"].widget.attrs["max"] = min(
                episode.end_date, today
            ).isoformat()
        if not self.is_bound and not self.initial:
            self.initial = {
                "contact_date": min(today, episode.end_date or today),
                "contact_type": ContactType.KEYWORK,
                "mode": Mode.IN_PERSON,
                "duration_minutes": 60,
                "attendance": Attendance.ATTENDED,
            }

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("attendance") and data["attendance"] != Attendance.ATTENDED:
            # Only an attended contact has a length: the default 60 in the box
            # is dropped rather than refused when the client did not come.
            data["duration_minutes"] = None
            if "duration_minutes" in self.errors:
                del self.errors["duration_minutes"]
        if all(k in data for k in ("contact_date", "contact_type", "attendance")):
            errors = contact_rule_errors(
                episode=self.episode,
                contact_date=data["contact_date"],
                contact_type=data["contact_type"],
                attendance=data["attendance"],
                duration_minutes=data.get("duration_minutes"),
                interventions=data.get("interventions", []),
                today=clock.today(),
            )
            for name, message in errors.items():
                if name not in self.errors:
                    self.add_error(name, message)
        return data


class ContactLogForm(SubmissionKeyMixin, ContactForm):
    """Logging a new contact may resolve a booked appointment and book the next."""

    appointment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next_appointment_date = forms.DateField(
        label="Next appointment", required=False, widget=FutureDateInput
    )
    next_appointment_time = forms.TimeField(label="Time", required=False, widget=TimeInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_appointment_date"].widget.attrs["min"] = clock.today().isoformat()
        self.fields["next_appointment_date"].widget.attrs.pop("max", None)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        day: dt.date | None = data.get("next_appointment_date")
        if day is not None:
            for name, message in appointment_rule_errors(
                episode=self.episode,
                appointment_date=day,
                staff=self.episode.keyworker,
                today=clock.today(),
                field="next_appointment_date",
            ).items():
                self.add_error(name if name in self.fields else None, message)
        elif data.get("next_appointment_time"):
            self.add_error("next_appointment_date", "Give the date of the next appointment.")
        return data


class ContactDeleteForm(PathwayForm):
    reason = forms.CharField(
        label="Why is this contact being deleted?",
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="Kept in the record's history with your name.",
    )


class AppointmentForm(PathwayForm):
    appointment_date = forms.DateField(label="Date", widget=FutureDateInput)
    appointment_time = forms.TimeField(label="Time", required=False, widget=TimeInput)
    contact_type = forms.ChoiceField(
        label="Type", choices=ContactType.choices, initial=ContactType.KEYWORK
    )
    mode = forms.ChoiceField(choices=Mode.choices, initial=Mode.IN_PERSON)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["appointment_date"].widget.attrs
        attrs.pop("max", None)
        attrs["min"] = clock.today().isoformat()


class AbsenceForm(forms.Form):
    attendance = forms.ChoiceField(
        choices=[(v, label) for v, label in Attendance.choices if v != Attendance.ATTENDED]
    )

"""Forms of the client floor. Each re-checks in `clean` the rules its action
enforces, so a mistake is a message next to the field before anything is
written; the action checks again and the database has the last word."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from clients.access import clinical_services
from clients.actions import EARLIEST_BIRTH
from clients.models import (
    Attendance,
    Client,
    EthnicCategory,
    ReferralSource,
    Sex,
    Substance,
)
from clients.queries import normalise_initials, possible_duplicates
from nectos import clock
from services.models import Service
from submissions.forms import SubmissionKeyMixin

NEW_CLIENT = "new"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PathwayForm(forms.Form):
    """Bootstrap classes on every widget, and each error tied to its field
    (aria-describedby) so a screen reader announces it with the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.RadioSelect | forms.HiddenInput):
                continue
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, DateInput):
                widget.attrs.setdefault("max", clock.today().isoformat())

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                ids.append(f"{bound.auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(ids)
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


def not_after_today(day: dt.date | None, what: str) -> None:
    if day and day > clock.today():
        raise ValidationError(f"The {what} cannot be after today.")


class ReferralForm(SubmissionKeyMixin, PathwayForm):
    """One form for a referral of a new or a returning client.

    With `client` given (re-engaging from the client record) the client's
    details are not asked again. Otherwise, when the details match clients
    the user can already see, the user must pick one or confirm a new person:
    `client_choice` is "new" or the chosen client's key."""

    client_choice = forms.CharField(required=False, widget=forms.HiddenInput)
    initials = forms.CharField(
        max_length=12,
        help_text="One to four letters, e.g. JS.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    date_of_birth = forms.DateField(widget=DateInput)
    sex = forms.ModelChoiceField(queryset=Sex.objects.all(), empty_label="Choose…")
    ethnicity = forms.ModelChoiceField(
        label="Ethnic category",
        queryset=EthnicCategory.objects.all(),
        empty_label="Choose…",
        help_text="“Not stated” is one of the choices.",
    )
    preferred_name = forms.CharField(
        max_length=60, required=False, help_text="Optional: what the client likes to be called."
    )
    consent_national_reporting = forms.BooleanField(
        label="Consents to national reporting (NDTMS)", required=False
    )
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label="Choose…")
    referral_date = forms.DateField(widget=DateInput)
    source = forms.ModelChoiceField(
        label="Referral source", queryset=ReferralSource.objects.all(), empty_label="Choose…"
    )
    primary_substance = forms.ModelChoiceField(
        queryset=Substance.objects.all(), empty_label="Choose…"
    )
    reason = forms.CharField(
        label="Reason for referral",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    CLIENT_FIELDS = (
        "client_choice",
        "initials",
        "date_of_birth",
        "sex",
        "ethnicity",
        "preferred_name",
        "consent_national_reporting",
    )

    def __init__(self, *args, user, client: Client | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.client = client
        self.matches: list[Client] = []
        self.chosen_client: Client | None = None
        services = clinical_services(user)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        if len(services) == 1:
            self.fields["service"].initial = services[0]
        self.fields["referral_date"].initial = clock.today()
        self.fields["primary_substance"].initial = "crack"
        if client is not None:
            for name in self.CLIENT_FIELDS:
                del self.fields[name]
        elif self.data.get("client_choice", NEW_CLIENT) not in ("", NEW_CLIENT):
            # A known client was chosen: their recorded details stand.
            self.fields["ethnicity"].required = False

    def clean_initials(self) -> str:
        initials = normalise_initials(self.cleaned_data["initials"])
        if not 1 <= len(initials) <= 4:
            raise ValidationError("Give one to four initials, letters only.")
        return initials

    def clean_date_of_birth(self) -> dt.date:
        day = self.cleaned_data["date_of_birth"]
        not_after_today(day, "date of birth")
        if day < EARLIEST_BIRTH:
            raise ValidationError("Check the year of birth.")
        return day

    def clean_referral_date(self) -> dt.date:
        day = self.cleaned_data["referral_date"]
        not_after_today(day, "referral date")
        return day

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        birth: dt.date | None
        if self.client is not None:
            birth = self.client.date_of_birth
        else:
            birth = data.get("date_of_birth")
            self._resolve_client(data)
        referral_date = data.get("referral_date")
        if birth and referral_date and referral_date < birth:
            self.add_error(
                "referral_date", "The referral date cannot be before the client's date of birth."
            )
        return data

    def _resolve_client(self, data: dict) -> None:
        initials, birth, sex = data.get("initials"), data.get("date_of_birth"), data.get("sex")
        if not (initials and birth and sex):
            return
        self.matches = possible_duplicates(
            self.user, initials=initials, date_of_birth=birth, sex=sex
        )
        choice = (data.get("client_choice") or "").strip()
        if choice and choice != NEW_CLIENT:
            chosen = [c for c in self.matches if str(c.key) == choice]
            if not chosen:
                self.add_error(
                    "client_choice", "Choose one of the clients listed, or a new client."
                )
                return
            self.chosen_client = chosen[0]
            return
        if self.matches and choice != NEW_CLIENT:
            self.add_error(
                "client_choice",
                "A client with these initials, date of birth and sex is already known to "
                "your service. Choose them, or confirm this is a new person.",
            )


class AppointmentForm(PathwayForm):
    offered_date = forms.DateField(
        label="Date offered", widget=DateInput, help_text="When the client was offered it."
    )
    appointment_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["offered_date"].initial = clock.today()

    def clean_offered_date(self) -> dt.date:
        day = self.cleaned_data["offered_date"]
        not_after_today(day, "date offered")
        if day < self.referral.referral_date:
            raise ValidationError("An appointment cannot be offered before the referral date.")
        return day

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        offered, day = data.get("offered_date"), data.get("appointment_date")
        if offered and day and day < offered:
            self.add_error(
                "appointment_date", "The appointment cannot be before the day it was offered."
            )
        return data


class AttendanceForm(PathwayForm):
    attendance = forms.ChoiceField(
        label="What happened", choices=[("", "Choose…"), *Attendance.choices]
    )

    def __init__(self, *args, appointment, **kwargs):
        kwargs.setdefault("prefix", f"appt{appointment.pk}")
        super().__init__(*args, **kwargs)
        self.appointment = appointment

    def clean_attendance(self) -> str:
        value = self.cleaned_data["attendance"]
        if value in (Attendance.ATTENDED, Attendance.DNA) and (
            self.appointment.appointment_date > clock.today()
        ):
            raise ValidationError(
                "This appointment is in the future: it can be cancelled now, "
                "but attendance is recorded on or after the day."
            )
        return value


class SearchForm(PathwayForm):
    q = forms.CharField(
        label="Initials, date of birth or reference",
        max_length=60,
        help_text="For example: JS, 01/06/1985, or JS 01/06/1985.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )

"""Group session forms: a new session, enrolment, and the register."""

from django import forms

from clients.forms import DateInput, PathwayForm
from clients.models import Attendance
from keywork.actions.contacts import MAX_MINUTES
from keywork.forms.contacts import intervention_choices
from keywork.forms.dropin import ServiceChoiceField
from keywork.models import GROUP_KINDS, ContactType, GroupEnrolment
from nectos import clock
from services.models import CLINICAL_ROLES, Service, User


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


class GroupSessionForm(PathwayForm):
    service = ServiceChoiceField(queryset=Service.objects.none(), empty_label=None)
    session_date = forms.DateField(label="Date", widget=DateInput)
    title = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=GROUP_KINDS)
    facilitator = StaffChoiceField(queryset=User.objects.none(), empty_label=None)
    duration_minutes = forms.IntegerField(
        label="Minutes", min_value=1, max_value=MAX_MINUTES, initial=90
    )
    copy_enrolment = forms.BooleanField(
        label="Enrol the people from the last session of the same title",
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        services = Service.objects.clinical_for(user).order_by("name")
        self.fields["service"].queryset = services
        self.fields["facilitator"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__service__in=services,
                memberships__role__in=CLINICAL_ROLES,
            )
            .distinct()
            .order_by("full_name", "username")
        )
        # Sessions are planned ahead as well as recorded afterwards.
        self.fields["session_date"].widget.attrs.pop("max", None)
        if not self.is_bound:
            self.initial.setdefault("session_date", clock.today())
            self.initial.setdefault("facilitator", user.pk)
            self.initial.setdefault("kind", ContactType.GROUP)


class EpisodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        client = obj.referral.client
        name = f" ({client.preferred_name})" if client.preferred_name else ""
        return (
            f"{client.initials}{name} · {obj.get_tier_display()} · "
            f"started {obj.start_date:%d %b %Y} · {obj.keyworker}"
        )


class EnrolForm(PathwayForm):
    episodes = EpisodeChoiceField(
        label="Clients to enrol",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, episodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episodes"].queryset = episodes
        self.fields["episodes"].widget.attrs["class"] = "form-check-input"


class RegisterForm(PathwayForm):
    """One row per enrolled person still to be registered: attendance and
    minutes; the interventions apply to everyone who attended."""

    interventions = forms.MultipleChoiceField(
        label="Interventions for those who attended",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, enrolments: list[GroupEnrolment], minutes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        self.fields["interventions"].choices = intervention_choices()  # type: ignore[attr-defined]
        self.fields["interventions"].widget.attrs["class"] = "form-check-input"
        for enrolment in enrolments:
            who = enrolment.episode.referral.client.initials
            att, mins = self.names(enrolment)
            self.fields[att] = forms.ChoiceField(
                label=f"Attendance for {who}",
                choices=Attendance.choices,
                initial=Attendance.ATTENDED,
            )
            self.fields[mins] = forms.IntegerField(
                label=f"Minutes for {who}",
                required=False,
                min_value=1,
                max_value=MAX_MINUTES,
                initial=minutes,
            )
            self.fields[att].widget.attrs.update(
                {"class": "form-select form-select-sm", "data-attendance": ""}
            )
            self.fields[mins].widget.attrs["class"] = "form-control form-control-sm"
        for enrolment in enrolments:
            att, mins = self.names(enrolment)
            self.fields[att].widget.attrs["data-duration"] = self[mins].auto_id

    @staticmethod
    def names(enrolment: GroupEnrolment) -> tuple[str, str]:
        return f"att_{enrolment.pk}", f"min_{enrolment.pk}"

    def rows(self) -> list[tuple[GroupEnrolment, forms.BoundField, forms.BoundField]]:
        return [(e, self[self.names(e)[0]], self[self.names(e)[1]]) for e in self.enrolments]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        for enrolment in self.enrolments:
            att, mins = self.names(enrolment)
            if data.get(att) and data[att] != Attendance.ATTENDED:
                data[mins] = None  # only an attended contact has a length
                self.errors.pop(mins, None)
        return data

    def row_values(self) -> list[tuple[int, str, int | None]]:
        data = self.cleaned_data
        return [(e.pk, data[self.names(e)[0]], data.get(self.names(e)[1])) for e in self.enrolments]

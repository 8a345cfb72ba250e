"""One of every kind of object, in service A and in service B, for the
authorisation matrix and the cross-service tests.

world["A"].client is a client of service A (alice's and bob's), world["B"]
one of service B (charlie's). The URL matrix names objects by these paths:
"client.key", "episode.pk", ...
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils import timezone

from tests.factories import (
    AppointmentFactory,
    ContactFactory,
    EpisodeFactory,
    OutcomeFormFactory,
    ReferralFactory,
)

DAY = dt.date(2026, 10, 5)
MARKER_DOB = dt.date(1966, 7, 13)


@dataclass
class Place:
    service: Any
    keyworker: Any
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None

    def resolve(self, path: str) -> Any:
        """ "client.key" -> the client's key; "service.code" -> "A"."""
        head, _, attr = path.partition(".")
        obj = self.service if head == "service" else self.objects[head]
        return getattr(obj, attr) if attr else obj


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def build_place(service, keyworker, commissioner, *, manager=None, marker: str = "") -> Place:
    place = Place(service=service, keyworker=keyworker)
    o = place.objects
    client_fields = {"client__initials": "QZ" if not marker else marker[:4].upper()}
    if marker:
        client_fields["client__preferred_name"] = marker
        client_fields["client__date_of_birth"] = MARKER_DOB
    o["referral"] = ReferralFactory(service=service, referral_date=DAY, **client_fields)
    o["client"] = o["referral"].client
    o["appointment"] = AppointmentFactory(referral=o["referral"])
    # A second referral with no episode yet, for "start an episode".
    o["open_referral"] = ReferralFactory(
        service=service, client=o["client"], referral_date=DAY + dt.timedelta(days=1)
    )
    o["episode"] = EpisodeFactory(
        referral=o["referral"], keyworker=keyworker, start_date=DAY + dt.timedelta(days=7)
    )
    o["contact"] = ContactFactory(
        episode=o["episode"],
        recorded_by=keyworker,
        note=f"{marker} note" if marker else "note",
    )
    o["outcome_form"] = OutcomeFormFactory(episode=o["episode"], recorded_by=keyworker)

    if KeyworkAppointment := _model("keywork.KeyworkAppointment"):
        o["keywork_appointment"] = KeyworkAppointment.objects.create(
            episode=o["episode"],
            appointment_date=DAY + dt.timedelta(days=20),
            staff=keyworker,
            booked_by=keyworker,
        )
    if CarePlan := _model("keywork.CarePlan"):
        o["care_plan"] = CarePlan.objects.create(episode=o["episode"], created_by=keyworker)
        Goal = _model("keywork.Goal")
        o["goal"] = Goal.objects.create(
            care_plan=o["care_plan"],
            text=f"{marker} goal" if marker else "Cut down",
            domain=Goal._meta.get_field("domain").choices[0][0],
            set_on=DAY + dt.timedelta(days=7),
            next_review_date=DAY + dt.timedelta(days=35),
            created_by=keyworker,
        )
    if GroupSession := _model("keywork.GroupSession"):
        o["group_session"] = GroupSession.objects.create(
            service=service,
            session_date=DAY + dt.timedelta(days=10),
            title="Relapse prevention",
            facilitator=keyworker,
            created_by=keyworker,
        )
        o["group_enrolment"] = _model("keywork.GroupEnrolment").objects.create(
            session=o["group_session"], episode=o["episode"]
        )
    if DropInSession := _model("keywork.DropInSession"):
        o["drop_in_session"] = DropInSession.objects.create(
            service=service, session_date=DAY + dt.timedelta(days=3), created_by=keyworker
        )
        o["drop_in_attendance"] = _model("keywork.DropInAttendance").objects.create(
            session=o["drop_in_session"], client=o["client"], recorded_by=keyworker
        )
    if CMPlan := _model("contingency.CMPlan"):
        o["cm_plan"] = CMPlan.objects.create(
            episode=o["episode"],
            start_date=o["episode"].start_date,
            voucher_base=2,
            voucher_step=1,
            voucher_max=10,
        )
        o["drug_test"] = _model("contingency.DrugTest").objects.create(
            plan=o["cm_plan"], scheduled_date=o["episode"].start_date
        )
    if TreatmentOutcomesProfile := _model("outcomes.TreatmentOutcomesProfile"):
        o["top"] = TreatmentOutcomesProfile.objects.create(
            episode=o["episode"],
            top_date=o["episode"].start_date,
            stage="start",
            crack_days=[2, 1, 0, 3],
            recorded_by=keyworker,
        )
    if QuarterlyReturn := _model("reporting.QuarterlyReturn"):
        from django.core.files.base import ContentFile

        qr = QuarterlyReturn(commissioner=commissioner, quarter="2026Q3", state="done")
        qr.csv.save("world-return.csv", ContentFile(b"measure,value\nreferred,10\n"), save=False)
        qr.save()
        qr.services.add(service)
        o["quarterly_return"] = qr
    if NdtmsExtract := _model("reporting.NdtmsExtract"):
        version, _ = _model("reporting.CoreDataSetVersion").objects.get_or_create(name="W")
        o["ndtms_extract"] = NdtmsExtract.objects.create(
            service=service,
            month=dt.date(2026, 10, 1),
            version=version,
            built_at=timezone.now(),
            built_by=manager or keyworker,
            rows=0,
            errors=0,
            content="AGNCY,CLIENTID,CONSENT\r\n",
        )
    if ImportJob := _model("interchange.ImportJob"):
        # An uploaded bundle belongs to whoever uploaded it.
        o["import_job"] = ImportJob.objects.create(
            created_by=manager or keyworker, state="failed", report={"problems": []}
        )
    if DashboardSnapshot := _model("reporting.DashboardSnapshot"):
        o["snapshot"] = DashboardSnapshot.objects.create(
            service=service,
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 9, 30),
            as_of=dt.date(2026, 10, 31),
            state="done",
        )
    return place


def build_world(*, service_a, service_b, alice, charlie, dora, bob=None, marker: str = "") -> dict:
    return {
        "A": build_place(service_a, alice, dora, manager=bob, marker=marker),
        "B": build_place(service_b, charlie, dora),
    }

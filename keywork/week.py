"""A keyworker's week, read in a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from clients.models import Appointment
from keywork.models import Contact, Goal, KeyworkAppointment

LIMIT = 100  # rows per list; the page says when there are more
AHEAD_DAYS = 7


@dataclass(frozen=True)
class MyWeek:
    today: dt.date
    week_start: dt.date
    contacts: list[Contact]
    contact_count: int
    attended_count: int
    total_minutes: int
    upcoming: list[KeyworkAppointment]
    goals_due: list[Goal]
    unresolved: list[KeyworkAppointment]
    unresolved_assessments: list[Appointment]

    @property
    def ahead_until(self) -> dt.date:
        return self.today + dt.timedelta(days=AHEAD_DAYS)


def my_week(user, today: dt.date) -> MyWeek:
    """Seven queries: this week's contacts, their totals, appointments
    ahead, goals due, unresolved keywork appointments, unresolved
    assessment appointments at the user's services, and the interventions
    of the listed contacts."""
    week_start = today - dt.timedelta(days=today.weekday())
    mine = Contact.objects.visible_to(user).filter(
        recorded_by=user, contact_date__gte=week_start, contact_date__lte=today
    )
    totals = mine.aggregate(
        n=Count("pk"),
        attended=Count("pk", filter=Q(attendance="attended")),
        minutes=Sum("duration_minutes"),
    )
    contacts = list(
        mine.select_related("episode__referral__client").prefetch_related("interventions")[:LIMIT]
    )
    appointments = KeyworkAppointment.objects.visible_to(user).filter(staff=user)
    related = ("episode__referral__client",)
    upcoming = list(appointments.upcoming(today, AHEAD_DAYS).select_related(*related)[:LIMIT])
    unresolved = list(
        appointments.unresolved(today).select_related(*related).order_by("appointment_date")[:LIMIT]
    )
    goals_due = list(
        Goal.objects.visible_to(user)
        .open()
        .filter(
            care_plan__episode__keyworker=user,
            care_plan__episode__end_date__isnull=True,
            next_review_date__lte=today + dt.timedelta(days=AHEAD_DAYS),
        )
        .select_related("care_plan__episode__referral__client")
        .order_by("next_review_date", "pk")[:LIMIT]
    )
    unresolved_assessments = list(
        Appointment.objects.visible_to(user)
        .unresolved(today)
        .select_related("referral__client", "referral__service")
        .order_by("appointment_date", "pk")[:LIMIT]
    )
    return MyWeek(
        today=today,
        week_start=week_start,
        contacts=contacts,
        contact_count=totals["n"],
        attended_count=totals["attended"],
        total_minutes=totals["minutes"] or 0,
        upcoming=upcoming,
        goals_due=goals_due,
        unresolved=unresolved,
        unresolved_assessments=unresolved_assessments,
    )

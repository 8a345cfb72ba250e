"""Caseloads today, per keyworker: what a manager checks each week."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from clients.models import Attendance
from keywork.models import Contact, Episode
from outcomes.models import OutcomeForm, ReportedBy, Timepoint
from reporting.metrics.sql import DaysBetween
from services.models import Role, User

# No attended contact for this many days or more: flagged.
NO_CONTACT_DAYS = 21
# domain.md: a day-N form is due from start + N - 7, overdue after start + N + 7.
FORM_WINDOW_DAYS = 7
FLAGS = ("open", "no_recent_contact", "overdue_form", "due_form")


def _services_filter(services: Iterable[int] | QuerySet, path: str) -> Q:
    return Q(**{f"{path}__in": services})


def caseload_episodes(services: Iterable[int] | QuerySet, today: dt.date) -> QuerySet:
    """Episodes open today in the services, annotated: last_contact (date of
    the last attended contact of any type, or None), days_since_contact
    (from the start when there has been none), and per follow-up N
    (30, 90) day{N}_missing (no keyworker form of that timepoint yet),
    day{N}_overdue and day{N}_due (domain.md's window), overdue_forms."""
    last = (
        Contact.objects.filter(
            episode=OuterRef("pk"), attendance=Attendance.ATTENDED, contact_date__lte=today
        )
        .order_by()
        .values("episode")
        .annotate(last=Max("contact_date"))
        .values("last")
    )
    qs = (
        Episode.objects.filter(_services_filter(services, "referral__service"))
        .open_on(today)
        .annotate(
            last_contact=Subquery(last, output_field=DateField()),
            days_since_contact=DaysBetween(
                Value(today, output_field=DateField()),
                Coalesce(F("last_contact"), F("start_date")),
            ),
        )
    )
    overdue_terms = []
    for n, timepoint in ((30, Timepoint.DAY30), (90, Timepoint.DAY90)):
        form = OutcomeForm.objects.filter(
            episode=OuterRef("pk"),
            timepoint=timepoint,
            reported_by=ReportedBy.KEYWORKER,
            form_date__lte=today,
        )
        overdue_after = today - dt.timedelta(days=n + FORM_WINDOW_DAYS)
        due_from = today - dt.timedelta(days=n - FORM_WINDOW_DAYS)
        qs = qs.annotate(**{f"day{n}_missing": ~Exists(form)})
        # start + N + 7 < today  <=>  start < today - N - 7
        overdue = Q(**{f"day{n}_missing": True, "start_date__lt": overdue_after})
        due = Q(
            **{
                f"day{n}_missing": True,
                "start_date__lte": due_from,
                "start_date__gte": overdue_after,
            }
        )
        qs = qs.annotate(
            **{
                f"day{n}_overdue": _flag(overdue),
                f"day{n}_due": _flag(due),
            }
        )
        overdue_terms.append(F(f"day{n}_overdue"))
    return qs.annotate(overdue_forms=overdue_terms[0] + overdue_terms[1])


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def flagged(episodes: QuerySet, flag: str) -> QuerySet:
    """Narrow caseload_episodes() to one flag of FLAGS."""
    if flag == "open":
        return episodes
    if flag == "no_recent_contact":
        return episodes.filter(days_since_contact__gte=NO_CONTACT_DAYS)
    if flag == "overdue_form":
        return episodes.filter(overdue_forms__gt=0)
    if flag == "due_form":
        return episodes.filter(Q(day30_due=1) | Q(day90_due=1))
    raise ValueError(f"unknown caseload flag {flag!r}")


def caseload(services: Iterable[int] | QuerySet, today: dt.date) -> list[dict]:
    """Per keyworker of the services (and anyone else holding an open episode
    there): open_episodes, contacts_30_days (attended contacts of any type in
    the 30 days to today, on any of their episodes there),
    no_recent_contact (open episodes without an attended contact for 21+
    days), longest_days_since_contact, overdue_forms and due_forms. Three
    queries."""
    since = today - dt.timedelta(days=29)
    open_rows = {
        row["keyworker"]: row
        for row in caseload_episodes(services, today)
        .values("keyworker")
        .annotate(
            open_episodes=Count("pk"),
            no_recent_contact=Count("pk", filter=Q(days_since_contact__gte=NO_CONTACT_DAYS)),
            longest_days_since_contact=Max("days_since_contact"),
            overdue_forms=Count("pk", filter=Q(day30_overdue=1))
            + Count("pk", filter=Q(day90_overdue=1)),
            due_forms=Count("pk", filter=Q(day30_due=1)) + Count("pk", filter=Q(day90_due=1)),
        )
        .order_by()
    }
    contacts = dict(
        Contact.objects.filter(
            _services_filter(services, "episode__referral__service"),
            attendance=Attendance.ATTENDED,
            contact_date__gte=since,
            contact_date__lte=today,
        )
        .values("episode__keyworker")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("episode__keyworker", "n")
    )
    people = (
        User.objects.filter(
            Q(pk__in=set(open_rows) | set(contacts))
            | Q(memberships__role=Role.KEYWORKER, **{"memberships__service__in": services})
        )
        .distinct()
        .values_list("pk", "username", "full_name")
    )
    names = {pk: (username, full_name or username) for pk, username, full_name in people}
    out = []
    for user_id, (username, name) in names.items():
        row = open_rows.get(user_id, {})
        out.append(
            {
                "keyworker": username,
                "name": name,
                "open_episodes": row.get("open_episodes", 0),
                "contacts_30_days": contacts.get(user_id, 0),
                "no_recent_contact": row.get("no_recent_contact", 0),
                "longest_days_since_contact": row.get("longest_days_since_contact"),
                "overdue_forms": row.get("overdue_forms", 0),
                "due_forms": row.get("due_forms", 0),
            }
        )
    return sorted(out, key=lambda r: r["name"].lower())

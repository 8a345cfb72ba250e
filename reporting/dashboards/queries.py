"""Reads for the dashboards: who may open which service's dashboard, stored
snapshots, and the newest change a snapshot covers."""

import datetime as dt

from django.db.models import DateTimeField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Greatest
from django.http import Http404

from clients.models import Appointment, Client, Referral
from contingency.models import CMPlan, DrugTest, VoucherIssue
from keywork.models import Contact, Episode
from outcomes.models import OutcomeForm
from reporting.models import DashboardSnapshot
from services.models import Service


def dashboard_services(user) -> QuerySet:
    """Services whose dashboards the user may open: the ones they manage;
    every service for an administrator. Keyworkers and commissioners: none."""
    if not user.is_authenticated:
        return Service.objects.none()
    if user.is_superuser:
        return Service.objects.all()
    return Service.objects.managed_by(user)


def get_dashboard_service(user, code: str) -> Service:
    """404 alike for a service that does not exist and one the user may not see."""
    try:
        return dashboard_services(user).get(code=code)
    except Service.DoesNotExist as exc:
        raise Http404("No such dashboard") from exc


def get_managed_service(user, code: str) -> Service:
    """For pages that list client records behind a figure: managers of the
    service only (administrators see no client rows)."""
    try:
        return Service.objects.managed_by(user).get(code=code)
    except Service.DoesNotExist as exc:
        raise Http404("No such service") from exc


def get_snapshot(
    service: Service, start: dt.date, end: dt.date, as_of: dt.date
) -> DashboardSnapshot | None:
    return (
        DashboardSnapshot.objects.filter(
            service=service, period_start=start, period_end=end, as_of=as_of
        )
        .select_related("requested_by")
        .first()
    )


def _newest(model, path: str, since: dt.datetime | None) -> Subquery:
    events = model.pgh_event_model.objects.filter(**{path: OuterRef("pk")})
    if since is not None:
        events = events.filter(pgh_created_at__gte=since)
    return Subquery(
        events.order_by().values(path).annotate(at=Max("pgh_created_at")).values("at"),
        output_field=DateTimeField(),
    )


def newest_changes(
    services: QuerySet, *, since: dt.datetime | None = None
) -> dict[int, dt.datetime | None]:
    """{service id: when its newest recorded change (insert, update or delete
    of a referral, appointment, episode, contact, outcome form, CM plan, drug
    test, voucher or one of its clients) happened}, from the pghistory event tables; one query.

    With `since`, only changes at or after it count (None when there are
    none): all a staleness check needs, and through the pgh_created_at
    indexes it reads the changes since then rather than a service's whole
    history (0.7 s a dashboard view on the national data set before)."""
    rows = services.order_by().annotate(
        changed=Greatest(
            _newest(Referral, "service", since),
            _newest(Appointment, "referral__service", since),
            _newest(Episode, "referral__service", since),
            _newest(Contact, "episode__referral__service", since),
            _newest(OutcomeForm, "episode__referral__service", since),
            _newest(Client, "pgh_obj__referrals__service", since),
            _newest(CMPlan, "episode__referral__service", since),
            _newest(DrugTest, "plan__episode__referral__service", since),
            _newest(VoucherIssue, "plan__episode__referral__service", since),
        )
    )
    return dict(rows.values_list("pk", "changed"))


def is_stale(snapshot: DashboardSnapshot, newest_change: dt.datetime | None) -> bool:
    """Older than the newest change it covers (or never computed)."""
    if snapshot.computed_at is None:
        return True
    return newest_change is not None and newest_change >= snapshot.computed_at

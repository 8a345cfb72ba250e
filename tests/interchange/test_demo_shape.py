"""The demo is NECTOS-shaped: the pathway, retention, keywork rhythms and
outcome forms the issues ask for, measured on what generate_demo loaded."""

import pytest
from django.core.management import call_command
from django.db import connection

from nectos import clock

pytestmark = pytest.mark.django_db

# The demo is dated from the day it is generated; set by the demo fixture.
TODAY = ""


def one(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(_num(v) for v in cursor.fetchone())


def rows(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {r[0]: tuple(_num(v) for v in r[1:]) for r in cursor.fetchall()}


def _num(value):
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


ASSESSED = (
    "EXISTS (SELECT 1 FROM clients_appointment a WHERE a.referral_id = r.id "
    "AND a.attendance = 'attended')"
)
STARTED = "EXISTS (SELECT 1 FROM keywork_episode e WHERE e.referral_id = r.id)"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    global TODAY
    TODAY = f"DATE '{clock.today().isoformat()}'"
    with django_db_blocker.unblock():
        from django.db import transaction

        # One demo for the whole module, rolled back at the end.
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("generate_demo", "--seed", "1")
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def test_about_60_percent_are_assessed_and_80_percent_of_those_start(demo):
    assessed, started = one(
        f"SELECT avg(({ASSESSED})::int), avg(({STARTED})::int) FROM clients_referral r"
    )
    assert 0.55 <= assessed <= 0.70
    assert 0.74 <= started / assessed <= 0.86


def test_self_referrals_engage_most_and_criminal_justice_least(demo):
    by_group = rows(
        f"""SELECT s.reporting_group, avg(({STARTED})::int) FROM clients_referral r
        JOIN clients_referralsource s ON s.code = r.source_id GROUP BY 1"""
    )
    assert by_group["self"][0] > by_group["health"][0] > by_group["criminal justice"][0]
    assert by_group["gp"][0] < by_group["self"][0] - 0.2
    assert by_group["drug service"][0] < by_group["self"][0] - 0.2


def test_over_two_fifths_leave_within_30_days_and_a_third_stay_90(demo):
    gone_30, gone_7, retained_90 = one(
        f"""SELECT
          avg((e.end_date - e.start_date < 30)::int)
            FILTER (WHERE e.start_date + 30 <= {TODAY}),
          avg((e.end_date - e.start_date <= 7)::int)
            FILTER (WHERE e.start_date + 7 <= {TODAY}),
          avg((e.end_date IS NULL OR e.end_date - e.start_date >= 90 OR d.completed)::int)
            FILTER (WHERE e.start_date + 90 <= {TODAY})
        FROM keywork_episode e LEFT JOIN keywork_dischargereason d
          ON d.code = e.discharge_reason_id"""
    )
    assert gone_30 > 0.40
    assert 0.07 <= gone_7 <= 0.15
    assert 0.27 <= retained_90 <= 0.40


def test_keywork_runs_at_the_studys_rhythms(demo):
    by_service = rows(
        """WITH k AS (
          SELECT sv.code, c.contact_date, c.duration_minutes, e.start_date,
            c.contact_date - lag(c.contact_date) OVER (
              PARTITION BY c.episode_id ORDER BY c.contact_date) AS gap
          FROM keywork_contact c JOIN keywork_episode e ON e.id = c.episode_id
          JOIN clients_referral r ON r.id = e.referral_id
          JOIN services_service sv ON sv.id = r.service_id
          WHERE c.contact_type = 'keywork' AND c.attendance = 'attended')
        SELECT coalesce(code, 'all'), avg(gap),
          percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_minutes),
          avg((contact_date - start_date < 10)::int), avg((contact_date - start_date < 30)::int)
        FROM k GROUP BY ROLLUP (code)"""
    )
    assert 3.5 <= by_service["NTH"][0] <= 5
    for code in ("EST", "STH", "WST", "RES"):
        assert 9 <= by_service[code][0] <= 13, code
    _, median, first_10, first_30 = by_service["all"]
    assert median == 60
    assert first_10 > 0.2
    assert 0.42 <= first_30 <= 0.6


def test_outcome_forms_have_the_studys_shape(demo):
    forms = rows(
        """SELECT (e.tier = 4)::text || f.timepoint, avg(f.crack_days), avg(f.crack_spend_per_day)
        FROM outcomes_outcomeform f JOIN keywork_episode e ON e.id = f.episode_id
        WHERE f.reported_by = 'keyworker' GROUP BY 1"""
    )
    days, spend = forms["falsebaseline"]
    assert 8.5 <= days <= 11.5 and 50 <= spend <= 70
    days4, spend4 = forms["truebaseline"]
    assert 22 <= days4 <= 28 and 85 <= spend4 <= 115
    assert forms["falseday30"][0] < days / 2
    assert forms["falseday90"][0] < days / 2


def test_some_follow_up_forms_are_missing_so_the_badges_show(demo):
    overdue, in_window = one(
        f"""SELECT
          count(*) FILTER (WHERE e.start_date + 37 < {TODAY} AND NOT EXISTS (
            SELECT 1 FROM outcomes_outcomeform f WHERE f.episode_id = e.id
            AND f.timepoint = 'day30')),
          count(*) FILTER (WHERE {TODAY} BETWEEN e.start_date + 23 AND e.start_date + 37
            OR {TODAY} BETWEEN e.start_date + 83 AND e.start_date + 97)
        FROM keywork_episode e WHERE e.end_date IS NULL"""
    )
    assert overdue >= 3
    assert in_window >= 3


def test_the_worklists_have_something_on_them(demo):
    unresolved, booked = one(
        f"""SELECT count(*) FILTER (WHERE appointment_date < {TODAY}),
                   count(*) FILTER (WHERE appointment_date >= {TODAY})
        FROM clients_appointment WHERE attendance = ''"""
    )
    assert unresolved >= 1 and booked >= 1


def test_some_clients_come_back_for_several_episodes(demo):
    (returning,) = one(
        """SELECT count(*) FROM (SELECT r.client_id FROM keywork_episode e
        JOIN clients_referral r ON r.id = e.referral_id GROUP BY 1 HAVING count(*) > 1) q"""
    )
    assert returning >= 20


def test_alice_has_a_realistic_caseload(demo):
    (open_episodes,) = one(
        """SELECT count(*) FROM keywork_episode e JOIN services_user u ON u.id = e.keyworker_id
        WHERE u.username = 'alice' AND e.end_date IS NULL"""
    )
    assert 15 <= open_episodes <= 40


def test_every_role_has_someone_and_the_demo_signs_in(demo):
    from interchange.demo import DEMO_PASSWORD
    from services.models import Membership, User

    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"keyworker", "manager", "commissioner"}
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="alice").check_password(DEMO_PASSWORD)

"""The service dashboard page: access, the numbers it shows, snapshots."""

import io
import json
import re

import pytest
from django.core.management import call_command

from reporting.models import DashboardSnapshot
from tests.dashboards.helpers import AS_OF, PERIOD
from tests.dates import LITERAL_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

URL = "/dashboards/A/"


def command_json(code: str = "A") -> dict:
    out = io.StringIO()
    call_command(
        "metrics",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--as-of",
        AS_OF.isoformat(),
        "--service",
        code,
        "--json",
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_a_manager_sees_the_dashboard_of_their_service(client_as, bob, cohort, computed):
    response = computed(client_as(bob), URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Service A: retention and outcomes" in body
    assert 'data-testid="funnel-table"' in body


def test_the_page_shows_the_same_numbers_as_the_command(client_as, bob, cohort, computed):
    expected = command_json()
    response = computed(client_as(bob), URL)
    body = response.content.decode()
    assert response.context["summary"] == expected
    for step in ("referred", "assessment_offered", "assessed", "started"):
        cell = re.search(rf'data-testid="funnel-{step}">(?:<a [^>]*>)?([\d,]+)', body)
        assert int(cell.group(1).replace(",", "")) == expected["funnel"][step], step


def test_an_empty_quarter_renders_with_nothing_to_show(client_as, bob, service_a, computed):
    response = computed(client_as(bob), URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["summary"]["funnel"]["referred"] == 0
    assert "No referrals in this quarter." in body
    assert "No client has both a baseline and a day 30 keyworker form yet." in body


def test_counts_link_to_the_records_behind_them_for_managers(client_as, bob, cohort, computed):
    body = computed(client_as(bob), URL).content.decode()
    assert (
        "/dashboards/A/records/?quarter=2026Q1&amp;as_of=2026-04-30&amp;measure=funnel%3Adid_not_attend"
        in body
    )
    assert "measure=retention%3Aearly_exit" in body


def test_administrators_see_the_figures_without_links_to_records(
    client_as, admin_user, cohort, computed
):
    response = computed(client_as(admin_user), URL)
    assert response.context["summary"] == command_json()
    assert "/records/" not in response.content.decode()


def test_outcome_changes_are_said_in_plain_words(client_as, bob, cohort, computed):
    response = computed(client_as(bob), URL)
    day30, day90 = response.context["outcome_cards"]
    n = response.context["summary"]["outcomes"]["day30"]["n_pairs"]
    assert day30["sentences"][0].startswith("Crack use fell from ")
    assert f"({n} clients, p" in day30["sentences"][0]
    assert day90["warning"] == "No client has both a baseline and a day 90 keyworker form yet."


def test_the_charts_carry_their_data_in_json_script_blocks(client_as, bob, cohort, computed):
    body = computed(client_as(bob), URL).content.decode()
    for chart in ("funnel", "sources", "waits", "km", "keyworkers", "outcomes"):
        assert f'<script id="chart-{chart}" type="application/json">' in body
        assert f'data-source="chart-{chart}"' in body
    assert "<script>" not in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"quarter": "2026Q1", "as_of": "2099-01-01"}, "Choose today or an earlier date."),
        ({"quarter": "2026Q1", "as_of": "2025-12-31"}, "The quarter starts on 1 January 2026"),
        ({"quarter": "1999Q9", "as_of": "2026-04-30"}, "Select a valid choice."),
        ({"quarter": "2026Q1", "as_of": "not a date"}, "Enter a valid date."),
    ],
)
def test_a_bad_choice_is_refused_with_a_message_by_the_field(client_as, bob, params, message):
    response = client_as(bob).get(URL, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body or "is-invalid" in body
    assert not DashboardSnapshot.objects.exists()


def test_without_a_choice_it_shows_last_quarter_as_of_today(client_as, bob, service_a):
    from django.utils import timezone

    from reporting.dashboards.quarters import Quarter

    response = client_as(bob).get(URL)
    today = timezone.localdate()
    assert response.context["quarter"] == Quarter.of(today).previous()
    assert response.context["as_of"] == today


def test_the_page_runs_a_fixed_number_of_queries(
    client_as, bob, cohort, computed, django_assert_num_queries
):
    client = client_as(bob)
    computed(client, URL)
    # session, user, bob's memberships (the service's scope and the top
    # bar), the service, the stored snapshot with who asked for it, the
    # newest change it covers.
    with django_assert_num_queries(6):
        assert client.get(URL, PERIOD).status_code == 200


def test_breakdowns_keep_the_code_list_order_through_storage(client_as, bob, cohort, computed):
    from reporting.metrics import AGE_BANDS, ETHNIC_GROUPS

    response = computed(client_as(bob), URL)
    tables = {b["by"]: [r["label"] for r in b["rows"]] for b in response.context["breakdowns"]}
    assert tables["age_band"] == [b for b in AGE_BANDS if b in tables["age_band"]]
    assert tables["ethnicity"] == [g for g in ETHNIC_GROUPS if g in tables["ethnicity"]]
    assert tables["sex"] == ["Male", "Female"]
    assert len(tables["age_band"]) > 2

"""The service dashboard's "National measures" section and the national rows
of the comparison page: the command's figures, the re-presentation window
in words, the pooled comparators, eight quarters from the snapshot."""

import re

import pytest

from reporting.dashboards import national as section
from reporting.dashboards.quarters import Quarter
from reporting.metrics import Cohort, national
from reporting.models import DashboardSnapshot
from tests.dashboards.helpers import AS_OF, PERIOD
from tests.dashboards.test_service_dashboard import command_json
from tests.dates import LITERAL_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

URL = "/dashboards/A/"


def test_the_section_shows_the_commands_national_figures(client_as, bob, cohort, computed):
    expected = command_json()["national"]
    assert expected["in_treatment"] > 0
    response = computed(client_as(bob), URL)
    body = response.content.decode()
    assert 'data-testid="national-section"' in body
    assert response.context["national_figures"] == expected
    row = re.search(r'data-testid="national-effective">(.*?)</tr>', body, re.S).group(1)
    cells = re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', row)
    assert cells[:2] == [
        f"{expected['effective_treatment']:,}",
        f"{expected['effective_eligible']:,}",
    ]


def test_the_re_presentation_window_is_stated_in_words(client_as, bob, cohort, computed):
    body = computed(client_as(bob), URL).content.decode()
    window = re.search(r'data-testid="national-window">([^<]*)<', body).group(1)
    assert "any service" in window
    assert "from 1 to 182 days" in window
    assert "six months" in window


def test_the_snapshot_holds_the_comparators_and_eight_quarters(
    client_as, bob, service_a, service_b, cohort, computed
):
    computed(client_as(bob), URL)
    data = DashboardSnapshot.objects.get(service=service_a).data
    quarter = Quarter.parse(PERIOD["quarter"])
    everyone = Cohort(quarter.start, quarter.end, AS_OF)
    assert data["national_comparators"]["all"] == national(everyone)
    others = everyone.with_services([service_b.pk])
    assert data["national_comparators"]["others"] == national(others)
    series = data["national_quarters"]
    assert len(series) == 8
    assert series[-1]["quarter"] == quarter.code
    assert [q["quarter"] for q in series] == sorted(q["quarter"] for q in series)
    first = Quarter.parse(series[0]["quarter"])
    assert {k: series[0][k] for k in national(everyone)} == national(
        Cohort(first.start, first.end, AS_OF, [service_a.pk])
    )
    assert series[-1]["in_treatment"] == data["summary"]["national"]["in_treatment"]


def test_the_quarter_table_and_chart_have_one_entry_a_quarter(client_as, bob, cohort, computed):
    response = computed(client_as(bob), URL)
    assert len(response.context["national_quarter_rows"]) == 8
    chart = response.context["national_chart"]
    assert len(chart["labels"]) == len(chart["completions"]) == 8
    assert 'data-chart="national"' in response.content.decode()


def test_pooled_columns_round_to_five_and_hide_small_numbers(service_a):
    small = dict.fromkeys(section.empty_national(), 0) | {
        "in_treatment": 6,
        "successful_not_representing": 2,
        "successful_completions": 3,
    }
    large = small | {"in_treatment": 123, "successful_not_representing": 12}
    cols = [
        {"label": "A", "figures": small, "pooled": False},
        {"label": "small pool", "figures": small, "pooled": True},
        {"label": "large pool", "figures": large, "pooled": True},
    ]
    headline = section.rows(cols)[0]
    assert headline["cells"][0] == {"numerator": "2", "denominator": "6", "rate": "33%"}
    assert headline["cells"][1] == {"numerator": "–", "denominator": "–", "rate": "–"}
    # Worked out from the counts as shown (10 of 125), not the raw 12 of 123.
    assert headline["cells"][2] == {"numerator": "10", "denominator": "125", "rate": "8%"}
    hidden_numerator = section.rows(
        [{"label": "p", "figures": large | {"successful_not_representing": 3}, "pooled": True}]
    )[0]
    assert hidden_numerator["cells"][0] == {"numerator": "–", "denominator": "125", "rate": "–"}


def test_a_snapshot_from_before_the_national_measures_still_renders(
    client_as, bob, service_a, cohort, computed
):
    client = client_as(bob)
    computed(client, URL)
    snapshot = DashboardSnapshot.objects.get(service=service_a)
    for key in ("national_comparators", "national_quarters"):
        snapshot.data.pop(key)
    snapshot.data["summary"].pop("national")
    snapshot.save()
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert "work out fresh figures to see them" in response.content.decode()


def test_the_comparison_page_shows_the_national_rates(client_as, bob, cohort):
    response = client_as(bob).get("/dashboards/A/compare/", PERIOD)
    labels = [r["label"] for r in response.context["rows"]]
    assert "National: successful completions not re-presenting within six months" in labels
    first = response.context["columns"][0]
    assert first["label"] == "Service A"
    assert first["figures"]["national"] == command_json()["national"]

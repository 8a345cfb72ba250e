"""The TOP section of the service dashboard: the metrics' figures, a chart
with its table, and a note for snapshots stored before the figures."""

import datetime as dt

import pytest

from reporting.dashboards.top_presenters import top_context
from tests.dashboards.helpers import AS_OF
from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, ReferralFactory
from tests.outcomes.top_support import make_top

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

URL = "/dashboards/A/"


def test_the_section_shows_the_command_figures_with_a_chart(client_as, bob, service_a, computed):
    start = dt.date(2026, 1, 10)
    for i in range(3):
        referral = ReferralFactory(service=service_a, referral_date=start)
        ep = EpisodeFactory(referral=referral, start_date=start)
        make_top(ep, "start", start, crack_days=[7, 7, 7, 7])
        review = start + dt.timedelta(days=170)
        if review <= AS_OF:
            make_top(ep, "review", review, crack_days=[0, 0, 0, i])
    response = computed(client_as(bob), URL)
    body = response.content.decode()
    figures = response.context["summary"]["top"]
    assert 'data-testid="top-section"' in body
    assert f"{figures['start_tops_on_time']} of {figures['start_tops_due']}" in body
    assert 'data-chart="top"' in body
    assert 'id="chart-top"' in body
    assert response.context["top"]["chart"]["start"][2] == figures["crack"]["mean_days_start"]


def test_an_old_snapshot_without_top_figures_says_to_refresh():
    assert top_context(None) is None

"""The commissioner's return pages and the manager's extract."""

import csv
import io

import pytest
from openpyxl import load_workbook

from clients.models import AccessEvent
from reporting.models import DownloadKind, QuarterlyReturn, ReportDownload, ReturnState
from reporting.returns import actions
from reporting.returns.quarters import Quarter
from tests.dates import LITERAL_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

RETURN_SHEETS = ["Cover", "Measures by service", "Breakdowns"]


def test_a_commissioner_sees_the_returns_page(client_as, dora):
    response = client_as(dora).get("/returns/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Build a return" in body
    assert "2026Q3 (July to September 2026)" in body  # the latest complete quarter


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "admin_user"])
def test_anyone_but_a_commissioner_gets_404_for_the_returns_pages(client_as, request, persona):
    user = request.getfixturevalue(persona)
    client = client_as(user)
    assert client.get("/returns/").status_code == 404
    assert client.post("/returns/", {"quarter": "2026Q1"}).status_code == 404
    assert not QuarterlyReturn.objects.exists()


def test_asking_for_a_return_builds_and_stores_it(
    client_as, dora, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_as(dora).post("/returns/", {"quarter": "2026Q1"})
    qr = QuarterlyReturn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{qr.pk}/"
    assert len(callbacks) == 1  # the task is queued once the row is committed
    assert qr.state == ReturnState.DONE and qr.progress == 100
    assert qr.commissioner == dora and qr.generated_at is not None
    assert set(qr.services.values_list("code", flat=True)) == {"A", "B"}
    assert qr.xlsx.name.endswith(".xlsx") and qr.csv.name.endswith(".csv")
    assert qr.figures["quarter"] == "2026Q1"


def test_asking_twice_while_building_queues_one_return(dora, seeded):
    first = actions.quarterly_return_request(commissioner=dora, quarter=Quarter(2026, 1))
    again = actions.quarterly_return_request(commissioner=dora, quarter=Quarter(2026, 1))
    assert first.pk == again.pk
    assert QuarterlyReturn.objects.count() == 1


@pytest.mark.parametrize("quarter", ["2026Q4", "2027Q1", "2020Q1", "nonsense", ""])
def test_a_quarter_not_offered_is_refused_with_a_message(client_as, dora, quarter):
    response = client_as(dora).post("/returns/", {"quarter": quarter})
    assert response.status_code == 422
    assert "Quarter" in response.content.decode()
    assert not QuarterlyReturn.objects.exists()


def test_the_page_polls_while_building_and_stops_when_done(client_as, dora, seeded):
    qr = actions.quarterly_return_request(commissioner=dora, quarter=Quarter(2026, 1))
    QuarterlyReturn.objects.filter(pk=qr.pk).update(state=ReturnState.RUNNING, progress=40)
    client = client_as(dora)
    fragment = client.get(f"/returns/{qr.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert 'value="40"' in fragment
    assert "<html" not in fragment

    actions.quarterly_return_generate(return_id=qr.pk)
    fragment = client.get(f"/returns/{qr.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    assert "Download XLSX" in fragment
    assert "Referrals received" in fragment


def test_a_failed_build_says_so_and_offers_to_try_again(client_as, dora, seeded, monkeypatch):
    qr = actions.quarterly_return_request(commissioner=dora, quarter=Quarter(2026, 1))

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(actions, "build_return", broken)
    actions.quarterly_return_generate(return_id=qr.pk)
    qr.refresh_from_db()
    assert qr.state == ReturnState.FAILED
    body = client_as(dora).get(f"/returns/{qr.pk}/").content.decode()
    assert "could not be built" in body and "Try again" in body
    assert "boom" not in body


def test_the_commissioner_downloads_both_files_and_each_download_is_recorded(
    client_as, dora, built_return
):
    client = client_as(dora)
    response = client.get(f"/returns/{built_return.pk}/xlsx/")
    assert response.status_code == 200
    assert 'filename="nectos-return-2026Q1.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == RETURN_SHEETS

    response = client.get(f"/returns/{built_return.pk}/csv/")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text)))[-1] == "All services"

    downloads = list(ReportDownload.objects.order_by("pk"))
    assert [(d.user, d.kind, d.quarterly_return) for d in downloads] == [
        (dora, DownloadKind.RETURN_XLSX, built_return),
        (dora, DownloadKind.RETURN_CSV, built_return),
    ]
    assert AccessEvent.objects.filter(user=dora, kind="download", client=None).count() == 2
    body = client.get(f"/returns/{built_return.pk}/").content.decode()
    assert "Quarterly return (XLSX) by Dora Commissioner" in body


def test_another_commissioner_gets_404_for_someone_elses_return(client_as, eve, built_return):
    client = client_as(eve)
    for url in (
        f"/returns/{built_return.pk}/",
        f"/returns/{built_return.pk}/xlsx/",
        f"/returns/{built_return.pk}/csv/",
    ):
        assert client.get(url).status_code == 404, url
    assert not ReportDownload.objects.exists()


def test_an_unknown_format_or_unfinished_return_is_404(client_as, dora, seeded):
    qr = actions.quarterly_return_request(commissioner=dora, quarter=Quarter(2026, 1))
    client = client_as(dora)
    assert client.get(f"/returns/{qr.pk}/xlsx/").status_code == 404
    assert client.get(f"/returns/{qr.pk}/pdf/").status_code == 404
    assert client.get("/returns/999999/").status_code == 404


def test_the_home_shows_the_latest_return_with_tables_and_chart_data(client_as, dora, built_return):
    body = client_as(dora).get("/").content.decode()
    assert "Quarter 2026Q1" in body
    assert "chart.umd.min.js" in body and "returns-charts.js" in body
    assert 'id="return-chart-data"' in body
    assert "<caption" in body and "Referrals received" in body
    # 2026Q1 is not the latest complete quarter: it offers to build 2026Q3.
    assert "Build the 2026Q3 return" in body


def test_the_home_offers_a_first_return(client_as, dora):
    body = client_as(dora).get("/").content.decode()
    assert "You have no return yet" in body
    assert "chart.umd.min.js" not in body
    assert 'value="2026Q3"' in body


def test_other_homes_carry_no_return(client_as, bob, built_return):
    body = client_as(bob).get("/").content.decode()
    assert "Quarter 2026Q1" not in body and "return-chart-data" not in body


def test_returns_pages_run_a_constant_number_of_queries(
    client_as, dora, built_return, django_assert_max_num_queries
):
    client = client_as(dora)
    # session, user, commissioned services?, the nav's memberships, the
    # returns, their services (one prefetch), the session save (3 with
    # its savepoint).
    with django_assert_max_num_queries(9):
        assert client.get("/returns/").status_code == 200
    # session, user, the return with its commissioner, the nav's
    # memberships, its services, its downloads with their users, session
    # save (3).
    with django_assert_max_num_queries(9):
        assert client.get(f"/returns/{built_return.pk}/").status_code == 200
    # session, user, the standing's memberships, commissioned services?,
    # the latest return, the nav's memberships, session save (3).
    with django_assert_max_num_queries(9):
        assert client.get("/").status_code == 200

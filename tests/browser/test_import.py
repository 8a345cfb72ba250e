"""A manager uploads a bundle with one bad row, sees the problem, uploads
the fixed bundle, sees the preview, confirms, and the rows are in."""

import zipfile

import pytest

from clients.models import Client
from keywork.models import Contact
from tests.dates import LITERAL_DAY
from tests.interchange.helpers import COLUMNS, csv_text, valid_files

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.today(LITERAL_DAY),
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def bundle_zip(path, files) -> str:
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in files.items():
            archive.writestr(name, csv_text(name, rows))
    return str(path)


def service_a_files(bad: bool) -> dict:
    files = valid_files()
    del files["services.csv"], files["staff.csv"]
    keep = {"clients.csv": "C1", "referrals.csv": "A", "episodes.csv": "E1"}
    files["clients.csv"] = [r for r in files["clients.csv"] if r[0] == keep["clients.csv"]]
    files["referrals.csv"] = [r for r in files["referrals.csv"] if r[2] == "A"]
    files["appointments.csv"] = [r for r in files["appointments.csv"] if r[0] != "R2"]
    files["episodes.csv"] = [r for r in files["episodes.csv"] if r[0] == "E1"]
    files["contacts.csv"] = [r for r in files["contacts.csv"] if r[0] == "E1"]
    files["outcomes.csv"] = [r for r in files["outcomes.csv"] if r[0] == "E1"]
    if bad:
        column = COLUMNS["contacts.csv"].index("contact_date")
        files["contacts.csv"][1][column] = "16/01/2026"
    return files


def test_a_manager_fixes_a_bad_row_and_imports(
    page, live_server, bob, alice, sign_in, shoot, axe, media, tmp_path
):
    sign_in(page, "bob")
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="Import").click()
    assert page.get_by_role("heading", name="Import a bundle").is_visible()
    axe(page, "import page")
    shoot(page, "import-index")

    page.get_by_label("Bundle (.zip)").set_input_files(
        bundle_zip(tmp_path / "bad.zip", service_a_files(bad=True))
    )
    page.get_by_role("button", name="Upload and check").click()
    panel = page.get_by_test_id("import-panel")
    page.locator('[data-testid="import-panel"][data-state="refused"]').wait_for(timeout=60_000)
    assert "1 problem: nothing will be imported" in panel.inner_text()
    problems = page.get_by_test_id("problems")
    row = problems.get_by_role("row").filter(has_text="contacts.csv")
    assert "contact_date" in row.inner_text()
    assert "'16/01/2026' is not a date (expected YYYY-MM-DD)" in row.inner_text()
    assert Client.objects.count() == 0
    axe(page, "import with a problem")
    shoot(page, "import-problem")
    shoot(page, "import-problem-phone", width=390)

    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_test_id("upload-again").get_by_label("Bundle (.zip)").set_input_files(
        bundle_zip(tmp_path / "fixed.zip", service_a_files(bad=False))
    )
    page.get_by_test_id("upload-again").get_by_role("button", name="Upload and check").click()
    page.locator('[data-testid="import-panel"][data-state="preview"]').wait_for(timeout=60_000)
    counts = page.get_by_test_id("counts")
    assert "contacts.csv" in counts.inner_text()
    assert Client.objects.count() == 0  # still nothing written
    axe(page, "import preview")
    shoot(page, "import-preview")

    page.get_by_role("button", name="Import it").click()
    page.locator('[data-testid="import-panel"][data-state="done"]').wait_for(timeout=60_000)
    assert "Imported on" in page.get_by_test_id("import-panel").inner_text()
    assert Client.objects.filter(reference="C1").exists()
    assert Contact.objects.count() == 3
    axe(page, "import done")
    shoot(page, "import-done")
    assert page.console_errors == []


def test_a_keyworker_has_no_import_page(page, live_server, alice, sign_in):
    sign_in(page, "alice")
    assert page.get_by_role("link", name="Import").count() == 0
    response = page.goto(f"{live_server.url}/imports/")
    assert response.status == 404


def test_the_panel_polls_while_a_task_runs_and_shows_the_result(
    page, live_server, bob, sign_in, shoot, axe
):
    from django.core.cache import cache

    from interchange.actions import progress_key
    from interchange.models import ImportJob, ImportState

    job = ImportJob.objects.create(created_by=bob, state=ImportState.CHECKING, size=2048)
    cache.set(progress_key(job.pk), (37, "Reading contacts.csv: 40,000 rows"))
    sign_in(page, "bob")
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    assert page.get_by_label("Checking the bundle… 37%").is_visible()
    assert "Reading contacts.csv: 40,000 rows" in page.get_by_test_id("import-panel").inner_text()
    axe(page, "import in progress")
    shoot(page, "import-progress")

    # The worker finishes: the next poll shows the preview in place.
    report = {"problem_count": 0, "problems": [], "counts": [
        {"file": "contacts.csv", "rows": 5, "bad": 0, "new": 5, "changed": 0, "unchanged": 0}
    ]}  # fmt: skip
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.PREVIEW, report=report)
    page.locator('[data-testid="import-panel"][data-state="preview"]').wait_for(timeout=10_000)
    assert page.get_by_role("button", name="Import it").is_visible()
    assert page.console_errors == []

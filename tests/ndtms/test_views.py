"""The managers' NDTMS extract pages: build, data-quality report, download."""

import pytest

from clients.models import AccessEvent
from reporting.models import DownloadKind, ReportDownload
from reporting.ndtms.models import NdtmsExtract
from tests.dates import LITERAL_DAY
from tests.ndtms.support import pathway

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


@pytest.fixture
def built(client_as, bob, service_a, version_q):
    consenting, _, _ = pathway(service_a)
    consenting.local_authority = None  # a problem to report
    consenting.save(update_fields=["local_authority"])
    browser = client_as(bob)
    response = browser.post("/returns/extract/", {"service": service_a.pk, "month": "2026-10"})
    assert response.status_code == 302
    return browser, NdtmsExtract.objects.get(), consenting


def test_a_manager_builds_an_extract_and_reads_its_problems(built, django_assert_max_num_queries):
    browser, extract, consenting = built
    assert extract.errors == 1 and extract.version.name == "Q"
    # session, user, memberships (nav), the extract with its service, version
    # and builder, the access event's membership and insert, session save
    with django_assert_max_num_queries(9):
        page = browser.get(f"/returns/extract/{extract.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="extract-has-errors"' in text
    assert consenting.reference in text
    review = f"/outcomes/episodes/{consenting.referrals.get().episode.pk}/client-reviews/new/"
    assert f'href="{review}"' in text  # the page that records the local authority
    assert "LA is required." in text
    counts = page.context["counts"]
    assert ("required", "Required field empty", 1) in counts
    assert ("code", "Code with no national code in this version", 0) in counts


def test_a_file_with_errors_downloads_marked(built):
    browser, extract, consenting = built
    before = AccessEvent.objects.count()
    response = browser.get(f"/returns/extract/{extract.pk}/csv/")
    assert response.status_code == 200
    assert 'filename="ndtms-A-2026-10-Q-WITH-ERRORS.csv"' in response["Content-Disposition"]
    assert consenting.reference in response.content.decode()
    download = ReportDownload.objects.get()
    assert (download.kind, download.rows, str(download.period_from)) == (
        DownloadKind.NDTMS_EXTRACT,
        extract.rows,
        "2026-04-01",
    )
    assert AccessEvent.objects.count() == before + 1


def test_the_index_lists_extracts_in_constant_queries(built, django_assert_max_num_queries):
    browser, extract, _ = built
    # session, user, managed services (exists, then the choices), memberships
    # (nav), the extracts with service and version, version in force, session
    # save, and the base page's own: however many extracts there are
    with django_assert_max_num_queries(11):
        page = browser.get("/returns/extract/")
    assert page.status_code == 200
    assert f'href="/returns/extract/{extract.pk}/"' in page.content.decode()
    assert b"Version in force today: <strong>Q</strong>" in page.content


def test_without_a_version_in_force_the_form_says_so(client_as, bob, service_a):
    response = client_as(bob).post(
        "/returns/extract/", {"service": service_a.pk, "month": "2026-10"}
    )
    assert response.status_code == 422
    assert b"ask the administrator to load one" in response.content
    assert not NdtmsExtract.objects.exists()


def test_a_month_not_offered_is_refused(client_as, bob, service_a, version_q):
    response = client_as(bob).post(
        "/returns/extract/", {"service": service_a.pk, "month": "2026-12"}
    )
    assert response.status_code == 422
    assert b"Select a valid choice" in response.content
    assert not NdtmsExtract.objects.exists()


def test_another_services_extract_is_404(client_as, bob, charlie, service_b, version_q):
    from tests.factories import MembershipFactory, UserFactory

    manager_b = UserFactory(username="mb")
    MembershipFactory(user=manager_b, service=service_b, role="manager")
    client_as(manager_b).post("/returns/extract/", {"service": service_b.pk, "month": "2026-10"})
    extract = NdtmsExtract.objects.get()
    browser = client_as(bob)
    assert browser.get(f"/returns/extract/{extract.pk}/").status_code == 404
    assert browser.get(f"/returns/extract/{extract.pk}/csv/").status_code == 404
    # and bob cannot build one for B
    response = browser.post("/returns/extract/", {"service": service_b.pk, "month": "2026-10"})
    assert response.status_code == 422
    assert NdtmsExtract.objects.count() == 1


def test_someone_who_manages_nothing_gets_404(client_as, alice, dora):
    assert client_as(alice).get("/returns/extract/").status_code == 404
    assert client_as(dora).get("/returns/extract/").status_code == 404

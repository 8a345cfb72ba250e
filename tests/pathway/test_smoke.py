import pytest

from tests.pathway.conftest import assess, register

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_a_keyworker(client_as, alice, service_a, in_treatment):
    c = client_as(alice)
    waiting = register(alice, service_a, initials="KL")
    key = in_treatment.referral.client.key
    for url in [
        "/",
        "/caseload/",
        "/waiting-list/",
        "/referrals/new/",
        f"/referrals/new/?client={key}",
        f"/clients/{key}/",
        f"/clients/{waiting.client.key}/",
        f"/referrals/{waiting.pk}/appointments/new/",
        f"/episodes/{in_treatment.pk}/discharge/",
        "/clients/search/",
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
    assess(waiting)
    assert c.get(f"/referrals/{waiting.pk}/start/").status_code == 200

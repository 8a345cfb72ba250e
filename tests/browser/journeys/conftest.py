"""Role journeys in Chromium. Each step leaves a screenshot under
artifacts/browser/journeys/<role>/NN-step.png (CI keeps artifacts/); the
page fixture of tests/browser/conftest.py saves the HTML and a screenshot of
a failure under artifacts/browser/.

The guide's pictures come from the living demo instead (tests/browser/guide/,
`make guide-shots`), through the same Journey with `guide` on: a step that
names a picture is also copied to docs/guide/img/, squeezed to 256 colours
when pngquant is there (apt-get install pngquant)."""

import pytest

from tests.browser.journeys.helpers import VIEWPORT, Journey


@pytest.fixture
def journey(page):
    def start(role: str) -> Journey:
        page.set_viewport_size(VIEWPORT)
        # Bootstrap scrolls smoothly unless motion is reduced: a click that
        # lands while the page still glides can miss its button.
        page.emulate_media(reduced_motion="reduce")
        return Journey(page, role)

    return start


@pytest.fixture
def demo(transactional_db):
    """The demo's five services and staff (interchange/demo.py), so that the
    pictures show what `make demo` shows; everyone's password is the demo's."""
    from interchange.demo import demo_services_and_staff
    from services.models import Service, User

    demo_services_and_staff()
    return {
        "services": {s.code: s for s in Service.objects.all()},
        "staff": {u.username: u for u in User.objects.all()},
    }

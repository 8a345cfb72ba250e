"""Role journeys in Chromium. Each step leaves a screenshot under
artifacts/browser/journeys/<role>/NN-step.png (CI keeps artifacts/); the
page fixture of tests/browser/conftest.py saves the HTML and a screenshot of
a failure under artifacts/browser/.

The guide's pictures come from the living demo instead (tests/browser/guide/,
`make guide-shots`), through the same Journey with `guide` on: a step that
names a picture is also copied to docs/guide/img/, squeezed to 256 colours
when pngquant is there (apt-get install pngquant)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[3]
JOURNEYS = ARTIFACTS / "journeys"
GUIDE_IMG = ROOT / "docs" / "guide" / "img"
VIEWPORT = {"width": 1366, "height": 768}
# A guide picture of a long page is cut here rather than kept whole.
GUIDE_MAX_HEIGHT = 1500


def squeeze(source: Path, target: Path) -> None:
    """Copy a screenshot into the guide, as a 256-colour PNG when pngquant is
    installed (a third of the size, and screenshots lose nothing visible)."""
    pngquant = shutil.which("pngquant")
    if pngquant:
        command = [pngquant, "--force", "--strip", "--output", str(target), "256", str(source)]
        if subprocess.run(command, check=False).returncode == 0:
            return
    shutil.copyfile(source, target)


class Journey:
    """Numbered screenshots of one role's journey."""

    def __init__(self, page, role: str):
        self.page = page
        self.role = role
        self.folder = JOURNEYS / role
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.guide = False

    def step(
        self,
        name: str,
        *,
        guide: str | None = None,
        full_page: bool = False,
        at: str | None = None,
    ) -> Path:
        """Screenshot the page as step NN-name; `guide` names its copy in
        docs/guide/img/ (`make guide-shots`). `full_page` takes the whole
        page (up to GUIDE_MAX_HEIGHT pixels) instead of the window; `at`
        (a CSS selector) scrolls that element to the top of the window first."""
        self.count += 1
        if at:
            self.page.locator(at).first.evaluate("(e) => e.scrollIntoView({block: 'start'})")
        path = self.folder / f"{self.count:02d}-{name}.png"
        if full_page:
            # A taller window rather than Playwright's full_page, whose
            # emulation can leave the next click off target.
            window = self.page.viewport_size
            height = self.page.evaluate("document.documentElement.scrollHeight")
            self.page.set_viewport_size(
                {"width": window["width"], "height": min(height, GUIDE_MAX_HEIGHT)}
            )
            self.page.screenshot(path=str(path))
            self.page.set_viewport_size(window)
        else:
            self.page.screenshot(path=str(path))
        if guide and self.guide:
            GUIDE_IMG.mkdir(parents=True, exist_ok=True)
            squeeze(path, GUIDE_IMG / f"{guide}.png")
        return path


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

"""The Journey of numbered screenshots and the guide's pictures: helpers that
tests import (a conftest holds fixtures only)."""

import shutil
import subprocess
from pathlib import Path

from tests.browser.helpers import ARTIFACTS

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

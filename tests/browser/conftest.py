"""Playwright driving Debian's Chromium (the Playwright browser download does
not work here). Without /usr/bin/chromium the browser tests are skipped with
a visible notice, unless CI is set, when they are required."""

import json
import os
import re
from pathlib import Path

import pytest

from tests.browser.helpers import ARTIFACTS, PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI is set but Chromium is missing at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"browser tests skipped: no Chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the tests make for setup are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = console_errors
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
        (ARTIFACTS / f"FAILED-{name}.html").write_text(page.content())
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def shoot():
    """Save a named screenshot under artifacts/browser/ (kept by CI)."""

    def take(page, name: str, width: int | None = None):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if width:
            page.set_viewport_size({"width": width, "height": 800})
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(live_server):
    def go(page, username: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        return page

    return go


@pytest.fixture
def axe():
    """Run axe-core on the page; fail on serious or critical violations."""

    def check(page, context: str = "page"):
        # Loaded from our own static files so the strict CSP still holds.
        origin = re.match(r"^https?://[^/]+", page.url).group(0)
        page.add_script_tag(url=f"{origin}/static/vendor/axe-core-4.14.1/axe.min.js")
        result = page.evaluate("async () => await axe.run(document)")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"axe violations on {context}: " + json.dumps(
            [{"id": v["id"], "help": v["help"], "nodes": len(v["nodes"])} for v in bad],
            indent=1,
        )
        return result

    return check


@pytest.fixture(autouse=True)
def code_lists(transactional_db):
    """Transactional tests flush the seeded code lists between tests."""
    from tests.code_lists import seed_all_code_lists

    seed_all_code_lists()

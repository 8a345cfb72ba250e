"""Every page of the product, in each role, in Chromium (WCAG 2.2 AA).

The pages are the GET rows of the authorisation matrix
(tests/security/url_matrix.py) that each persona may open, with ids filled
from the security world (tests/security/world.py) plus a dashboard cohort
and a built return, so that charts and tables have figures in them. One
browser context per role; clinical pages that keyworkers and managers
share are checked once, as the keyworker, unless they differ by role
(DIFFER_FOR_MANAGERS). On each page:

- axe-core (vendored, injected from our static files): no serious or
  critical violation;
- focus: every visible control, focused after a key press, shows an
  outline or ring of at least 3:1 against the background it sits on;
- charts: each canvas is an image with a name, and a table of the same
  numbers sits beside it (in the same section);
- colour is never the only signal: every badge and alert says in words
  what its colour means;
- reflow: at 320 CSS px wide, and at 683 x 384 (a 1366 x 768 screen at
  200% zoom), the page does not scroll sideways (tables may scroll inside
  their own labelled region).

Everything found is gathered, written to
artifacts/browser/journeys/accessibility/report.json with a screenshot of
each failing page, and reported at once."""

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import PASSWORD
from tests.browser.journeys.helpers import JOURNEYS
from tests.dates import LITERAL_DAY
from tests.security.url_matrix import ADMIN_ARGS, MATRIX
from tests.security.urlwalk import url_for, url_patterns

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.today(LITERAL_DAY),
]

OUT = JOURNEYS / "accessibility"
TOLERANCE = 2  # px of sideways scroll forgiven (sub-pixel rounding)

ROLES = [
    ("keyworker", "alice"),
    ("manager", "bob"),
    ("commissioner", "dora"),
    ("administrator", "admin"),
]

# Not pages: files, and fragments that HTMX swaps into a page.
NOT_PAGES = {
    "returns:download": "a file",
    "audit:subject_access": "a file (the subject access download)",
    "interchange:problems": "a file (the import's problems as CSV)",
    "dashboards:snapshot_status": "an HTMX fragment of the dashboard",
    "security:verify": "sends a signed-in, verified user home",
    "healthz": "JSON for the load balancer",
    "login": "sends a signed-in user home (checked signed out)",
}

# A dashboard with figures in it: the cohort below is in 2026Q1.
PERIOD = "quarter=2026Q1&as_of=2026-04-30"
QUERIES = {
    "dashboards:service": PERIOD,
    "dashboards:compare": PERIOD,
}
EXTRA_PAGES = {
    # name -> (who, path): pages that the matrix reaches only with a query.
    "dashboards:records (did not attend)": (
        {"bob"},
        "/dashboards/A/records/?measure=funnel:did_not_attend&" + PERIOD,
    ),
    "dashboards:records (retained at day 30)": (
        {"bob"},
        "/dashboards/A/records/?measure=retention:retained_30&" + PERIOD,
    ),
    "waiting list, outcome not recorded": ({"alice", "bob"}, "/waiting-list/?stage=unresolved"),
}

# Clinical pages that keyworkers and managers share are checked once, as the
# keyworker: the same template and the same menu. These differ by role (a
# manager's caseload picker, reallocation and access-log links), so the
# manager sees them again.
DIFFER_FOR_MANAGERS = {
    "home",
    "keywork:caseload",
    "keywork:waiting_list",
    "keywork:record",
    "outcomes:notifications",
    "security:account",
}

CHECKS = Path(__file__).parent / "checks"
FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def script(name: str) -> str:
    """A check's function, without its leading comment (Playwright must see
    a function to call it)."""
    lines = (CHECKS / name).read_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith("//"))


FOCUS_CHECK = script("focus.js")
CHART_CHECK = script("charts.js")
COLOUR_CHECK = script("colour.js")

ADMIN_MODELS = [
    "auth_group",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "services_user",
    "services_service",
    "clients_sex",
    "clients_ethniccategory",
    "clients_referralsource",
    "clients_substance",
    "keywork_dischargereason",
    "keywork_intervention",
]


@pytest.fixture
def product(service_a, service_b, alice, bob, charlie, dora, admin_user, settings, tmp_path):
    """The security world, a quarter of referrals at A with figures for the
    dashboard, follow-ups worked out, and Dora's 2026Q1 return built."""
    from django.utils import timezone

    from outcomes.actions import followups_sweep
    from reporting.returns.actions import quarterly_return_request
    from reporting.returns.quarters import Quarter
    from tests.dashboards.helpers import build_cohort
    from tests.security.world import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    service_a.open_access_drop_in = True
    service_a.day_programme_weeks = 12
    service_a.save()
    world = build_world(
        service_a=service_a, service_b=service_b, alice=alice, charlie=charlie, dora=dora, bob=bob
    )
    build_cohort(service_a, [alice], 24, dt.date(2026, 1, 2))
    build_cohort(service_b, [charlie], 10, dt.date(2026, 1, 4))
    followups_sweep(as_of=timezone.localdate())
    world["A"].objects["quarterly_return"] = quarterly_return_request(
        commissioner=dora, quarter=Quarter(2026, 1)
    )
    return world


def pages_for(username: str, world, admin_id: int) -> list[tuple[str, str]]:
    place = world["A"]
    pages: list[tuple[str, str]] = []
    for pattern in url_patterns():
        row = MATRIX.get(pattern.name)
        if row is None or row.method != "get" or row.signs_out or pattern.name in NOT_PAGES:
            continue
        if username not in row.may:
            continue
        shared = "alice" in row.may and pattern.name not in DIFFER_FOR_MANAGERS
        if username == "bob" and shared:
            continue
        kwargs = {}
        for name in pattern.kwargs:
            spec = row.args[name]
            kwargs[name] = spec[1:] if spec.startswith("=") else place.resolve(spec)
        query = QUERIES.get(pattern.name, row.query)
        url = url_for(pattern, kwargs)
        pages.append((pattern.name, f"{url}?{query}" if query else url))
    for name, (who, path) in EXTRA_PAGES.items():
        if username in who:
            pages.append((name, path))
    if username == "admin":
        pages.append(("admin:index", "/admin/"))
        for model in ADMIN_MODELS:
            app, _, name = model.partition("_")
            pages.append((f"admin:{model}_changelist", f"/admin/{app}/{name}/"))
        for model in ("services/service", "services/user", "keywork/intervention"):
            pages.append((f"admin {model} add", f"/admin/{model}/add/"))
        service = place.service.pk
        pages.append(("admin service change", f"/admin/services/service/{service}/change/"))
        pages.append(("admin user change", f"/admin/services/user/{admin_id}/change/"))
        pages.append(("admin password change", "/admin/password_change/"))
    assert ADMIN_ARGS  # the admin's own rows are listed above, model by model
    return pages


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert "/login/" not in page.url, f"{username} could not sign in"


def check_page(page, base: str) -> list[str]:
    problems: list[str] = []
    origin = re.match(r"^https?://[^/]+", page.url).group(0)
    page.add_script_tag(url=f"{origin}/static/vendor/axe-core-4.14.1/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = ", ".join(str(n["target"][0]) for n in v["nodes"][:3])
            problems.append(f"axe {v['id']} ({v['impact']}): {v['help']} [{targets}]")
    page.keyboard.press("Shift+Tab")  # keyboard use: focus shows as it would when tabbing
    problems += [f"focus: {p}" for p in page.evaluate(FOCUS_CHECK)]
    problems += [f"chart: {p}" for p in page.evaluate(CHART_CHECK)]
    problems += [f"colour: {p}" for p in page.evaluate(COLOUR_CHECK)]
    for label, size in (("320px", (320, 800)), ("200% zoom", (683, 384))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        # Charts redraw to the new width a frame or two later (a busy
        # machine: later still), so measure until the page settles.
        for _ in range(10):
            page.evaluate(FRAMES)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide <= size[0] + TOLERANCE:
                break
            page.wait_for_timeout(200)
        if wide > size[0] + TOLERANCE:
            culprit = page.evaluate(
                """(w) => { const e = [...document.querySelectorAll('main *, nav *')]
                  .find((el) => el.getBoundingClientRect().right > w + 2
                    && !el.closest('.table-responsive'));
                  return e ? e.tagName.toLowerCase() + '.' + [...e.classList].join('.') : '?'; }""",
                size[0],
            )
            problems.append(f"reflow at {label}: page is {wide}px wide (first wider: {culprit})")
    page.set_viewport_size({"width": 1366, "height": 768})
    return problems


def test_every_page_in_every_role_meets_wcag_aa(browser, live_server, product, admin_user):
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, dict] = {}
    timings: dict[str, float] = {}
    failures: list[str] = []
    started = time.monotonic()

    # Signed out: the sign-in page.
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    problems = check_page(page, live_server.url)
    report["signed out"] = {"/login/": problems}
    failures += [f"signed out /login/: {p}" for p in problems]
    context.close()

    for role, username in ROLES:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.emulate_media(reduced_motion="reduce")
        sign_in(page, live_server.url, username)
        report[role] = {}
        checked: set[str] = set()
        for name, path in pages_for(username, product, admin_user.pk):
            try:
                response = page.goto(f"{live_server.url}{path}")
            except PlaywrightError as error:
                if "Download is starting" not in str(error):
                    raise
                # A file, not a page (a new download URL in the matrix).
                report[role][f"{name} {path}"] = ["skipped: a download, not a page"]
                continue
            # Parts loaded in place once the page is up (the home's caseload).
            page.wait_for_function("() => !document.querySelector('[hx-trigger=\"load\"]')")
            assert response is not None and response.status < 400, (role, name, response.status)
            final = page.url.removeprefix(live_server.url)
            if final in checked:
                continue
            checked.add(final)
            began = time.monotonic()
            problems = check_page(page, live_server.url)
            report[role][f"{name} {final}"] = problems
            timings[f"{role} {name}"] = round(time.monotonic() - began, 1)
            if problems:
                shot = re.sub(r"[^a-z0-9]+", "-", f"{role}-{name}".lower()).strip("-")
                page.screenshot(path=str(OUT / f"{shot}.png"), full_page=True)
                failures += [f"{role} {name} ({final}): {p}" for p in problems]
        context.close()

    report["_summary"] = {
        "pages": {role: len(pages) for role, pages in report.items() if role != "_summary"},
        "seconds": round(time.monotonic() - started, 1),
        "checks (s)": timings,
    }
    (OUT / "report.json").write_text(json.dumps(report, indent=1))
    assert not failures, f"{len(failures)} accessibility problems:\n" + "\n".join(failures)


ERRORS_CHECK = script("errors.js")


@pytest.fixture
def episode(alice, bob, service_a):
    from tests.browser.journeys.seeds import in_treatment

    service_a.open_access_drop_in = True
    service_a.save()
    return in_treatment(service_a, alice, initials="ER", started=20, seen=2)


def test_every_form_names_its_fields_and_announces_its_errors(
    browser, live_server, episode, axe, settings, tmp_path
):
    """Each form, sent empty (or with an impossible value), comes back with
    a summary announced as an alert, each wrong field marked invalid and its
    message tied to it, and nothing axe calls serious."""
    settings.MEDIA_ROOT = tmp_path
    forms = {
        "alice": [
            ("/referrals/new/", "Register referral"),
            (f"/episodes/{episode.pk}/appointments/new/", "Book appointment"),
            (f"/outcomes/episodes/{episode.pk}/forms/new/", "Save form"),
            (f"/episodes/{episode.pk}/care-plan/", "Add goal"),
            ("/groups/", "Create session"),
            ("/drop-in/", "Record session"),
            ("/break-glass/", "Open the record"),
            ("/account/password/", "Change password"),
        ],
        "bob": [
            (f"/episodes/{episode.pk}/discharge/", "End episode"),
            ("/returns/extract/", "Build and check the extract"),
            ("/imports/", "Upload and check"),
        ],
    }
    failures: list[str] = []
    for username, pages in forms.items():
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.emulate_media(reduced_motion="reduce")
        sign_in(page, live_server.url, username)
        for path, button in pages:
            page.goto(f"{live_server.url}{path}")
            form = page.locator("main form").filter(
                has=page.get_by_role("button", name=button, exact=True)
            )
            # Empty every box that can be typed in; a date "to" before "from".
            for field in form.locator(
                "input[type=text], input[type=date], input[type=number], input[type=password],"
                " textarea, input:not([type])"
            ).all():
                if field.is_visible() and field.is_editable():
                    field.fill("")
            with page.expect_response(lambda r: r.request.method == "POST") as answer:
                form.get_by_role("button", name=button, exact=True).click()
            page.wait_for_load_state("load")
            status = answer.value.status
            problems = page.evaluate(ERRORS_CHECK)
            if not 400 <= status < 500:
                problems.append(f"answered {status}, not a 4xx")
            try:
                axe(page, f"{path} with errors")
            except AssertionError as error:
                problems.append(str(error).splitlines()[0])
            failures += [f"{username} {path}: {p}" for p in problems]
        context.close()
    assert not failures, "\n".join(failures)

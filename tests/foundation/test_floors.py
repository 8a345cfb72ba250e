"""Templates keep to the floors too: a template includes only templates of
its own floor or below (or the chrome), and links only to URL names of its
own floor or below. Imports are checked by lint-imports; this is the part
no import shows."""

import re
from pathlib import Path

from django.conf import settings

from tests.foundation.floors import (
    CHROME_FOLDERS,
    PLAIN_URL_NAMES,
    RANK,
    TEMPLATE_FOLDERS,
    URL_NAMESPACES,
)

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")
URL = re.compile(r"""{%\s*url\s+["']([^"']+)["']""")

# References that still point up, each with its reason. The test fails when
# a new one appears and when one listed here goes.
KNOWN_UPWARD = {
    # The client record, waiting list and episode screens read and write
    # keywork's episodes, so they stay with keywork and clients' pages link
    # to them by name.
    ("clients/_appointment.html", "keywork:episode_start"),
    ("clients/appointment_attendance.html", "keywork:record"),
    ("clients/appointment_form.html", "keywork:record"),
    ("clients/referral_form.html", "keywork:record"),
    ("clients/referral_form.html", "keywork:waiting_list"),
    ("clients/search.html", "keywork:record"),
    # The tenant's home pages are each role's way in to the floors above.
    ("services/home_keyworker.html", "keywork:caseload"),
    ("services/home_keyworker.html", "keywork:waiting_list"),
    ("services/home_manager.html", "keywork:caseload"),
    ("services/home_manager.html", "keywork:waiting_list"),
    # Filled by a higher floor's receiver (services' home_context signal).
    ("services/home_commissioner.html", "returns/_home.html"),
    # Slots that outcomes' receivers fill with their own partials.
    ("keywork/_record_outcomes_slot.html", "outcomes/_episode_outcomes.html"),
    # The TOP's panel in the record's outcomes slot, and the discharge
    # form's offer of the exit TOP.
    ("keywork/_record_outcomes_slot.html", "outcomes/_episode_tops.html"),
    ("keywork/episodes/discharge.html", "outcomes/_discharge_exit_top.html"),
    # A client information review is recorded beside the TOP review it
    # goes with, so its form is served by outcomes.
    ("clients/_client_reviews.html", "outcomes:client_review_create"),
    # Contingency management's plan on the record and its list link on
    # the caseload, included where keywork's pages leave room.
    ("keywork/record.html", "contingency/_record_panel.html"),
    ("keywork/caseload.html", "contingency/_caseload_links.html"),
    # Who opened this record, and break-glass: the audit's pages, offered
    # to those allowed on the record and the search.
    ("keywork/record.html", "audit:client_access"),
    ("clients/_break_glass_offer.html", "audit:break_glass"),
}


def _folder_app(relative: str) -> str | None:
    folder = relative.split("/", 1)[0] if "/" in relative else ""
    if folder in CHROME_FOLDERS:
        return None
    return TEMPLATE_FOLDERS[folder]


def _url_app(name: str) -> str:
    if ":" in name:
        return URL_NAMESPACES[name.split(":", 1)[0]]
    return PLAIN_URL_NAMES[name]


def upward_references(root: Path = TEMPLATES) -> set[tuple[str, str]]:
    found = set()
    for path in sorted(root.rglob("*.html")):
        relative = path.relative_to(root).as_posix()
        owner = _folder_app(relative)
        if owner is None:
            continue
        text = path.read_text()
        for target in INCLUDE.findall(text):
            target_app = _folder_app(target)
            if target_app is not None and RANK[target_app] > RANK[owner]:
                found.add((relative, target))
        for name in URL.findall(text):
            if RANK[_url_app(name)] > RANK[owner]:
                found.add((relative, name))
    return found


def test_every_template_folder_and_url_namespace_has_a_floor():
    folders = {p.name for p in TEMPLATES.iterdir() if p.is_dir()}
    assert folders <= set(TEMPLATE_FOLDERS) | CHROME_FOLDERS
    for path in TEMPLATES.rglob("*.html"):
        for name in URL.findall(path.read_text()):
            _url_app(name)  # a KeyError names a namespace with no floor


def test_no_template_includes_or_links_to_a_higher_floor():
    found = upward_references()
    assert found - KNOWN_UPWARD == set(), "templates that reach a higher floor"
    assert KNOWN_UPWARD - found == set(), "listed upward links that are gone: drop them"
    assert found  # the scan reads templates: it finds the known links


def test_the_scan_sees_an_upward_link(tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "x.html").write_text(
        '{% url "dashboards:index" %}{% include "outcomes/y.html" %}{% url "home" %}'
        '{% include "includes/nav.html" %}'
    )
    assert upward_references(tmp_path) == {
        ("clients/x.html", "dashboards:index"),
        ("clients/x.html", "outcomes/y.html"),
    }

"""Setting every kind of job going through the web: helpers that tests import
(a conftest holds fixtures only)."""

import datetime as dt
import io
import zipfile

from django.urls import reverse

from nectos import clock
from reporting.returns.quarters import Quarter
from tests.interchange.helpers import csv_text
from tests.outcomes.helpers import form_post

REASON = "Client is transferring to our service from Service A"


def zipped(files: dict) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in files.items():
            archive.writestr(name, csv_text(name, rows))
    buffer.seek(0)
    buffer.name = "bundle.zip"
    return buffer


def bundle() -> io.BytesIO:
    from tests.interchange.test_views import clinical_files

    return zipped(clinical_files())


def latest_quarter() -> str:
    return str(Quarter.latest_complete(clock.today()))


def dashboard_period() -> dict:
    quarter = Quarter.latest_complete(clock.today())
    return {"quarter": str(quarter), "as_of": clock.today().isoformat()}


def every_publisher(client_as, world, *, alice, bob, charlie, dora) -> dict:
    """Set every kind of job going through the web, as its user would; the
    responses by name."""
    responses = {}
    web = client_as(bob)
    responses["import upload"] = web.post(reverse("interchange:index"), {"bundle": bundle()})
    responses["dashboard first look"] = web.get("/dashboards/A/", dashboard_period())
    responses["snapshot refresh"] = web.post(
        "/dashboards/A/snapshot/",
        {**dashboard_period(), "as_of": (clock.today() - dt.timedelta(days=1)).isoformat()},
    )
    web = client_as(dora)
    responses["quarterly return"] = web.post("/returns/", {"quarter": latest_quarter()})
    web = client_as(charlie)
    responses["break-glass"] = web.post(
        "/break-glass/",
        {"reference": world["client"].reference, "reason": REASON, "category": "transfer"},
    )
    web = client_as(alice)
    responses["outcome form"] = web.post(
        reverse("outcomes:form_create", args=[world["episode"].pk]), form_post()
    )
    return responses

"""The demo generator: simulate, write a bundle, import it through the same
code as any other bundle (so the demo is also a test of the import)."""

import csv
import random
import tempfile
from pathlib import Path
from typing import Any

from clients.review_models import REVIEW_ITEMS
from interchange import synthetic
from interchange.cm_synthetic import write_cm_files
from interchange.demo import SERVICES, STAFF, demo_profiles, demo_services_and_staff
from interchange.importing import ImportReport, import_bundle
from interchange.resources import (
    AppointmentResource,
    BundleResource,
    ClientResource,
    ClientReviewResource,
    ContactResource,
    EpisodeResource,
    OutcomeResource,
    ReferralResource,
    ServiceResource,
    StaffResource,
    TopResource,
)
from outcomes.top_models import ITEMS as TOP_ITEMS
from services.access import ADMIN


class _CsvFile:
    def __init__(self, folder: Path, resource: BundleResource) -> None:
        self.handle = open(folder / resource.file_name, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(resource.columns)
        self.widgets = [f.widget for f in resource.fields.values()]

    def write(self, values: tuple) -> None:
        self.writer.writerow([w.render(v) for w, v in zip(self.widgets, values, strict=True)])

    def close(self) -> None:
        self.handle.close()


class BundleSink:
    """Receives the simulation's records and writes them as bundle rows."""

    def __init__(self, folder: Path) -> None:
        self.files = {
            cls.file_name: _CsvFile(folder, cls())
            for cls in (
                ClientResource,
                ReferralResource,
                AppointmentResource,
                EpisodeResource,
                ContactResource,
                OutcomeResource,
                TopResource,
                ClientReviewResource,
            )
        }
        self._clients = self.files["clients.csv"].write
        self._referrals = self.files["referrals.csv"].write
        self._appointments = self.files["appointments.csv"].write
        self._episodes = self.files["episodes.csv"].write
        self._contacts = self.files["contacts.csv"].write
        self._outcomes = self.files["outcomes.csv"].write
        self.counts = dict.fromkeys(self.files, 0)

    def client(self, no, initials, dob, sex, ethnicity, preferred_name) -> None:
        self._clients((synthetic.client_ref(no), initials, dob, sex, ethnicity, preferred_name))

    def referral(self, no, client_no, service, date, source, substance) -> None:
        self._referrals(
            (
                synthetic.referral_ref(no),
                synthetic.client_ref(client_no),
                service,
                date,
                source,
                substance,
            )
        )

    def appointment(self, referral_no, offered, date, attendance) -> None:
        self._appointments((synthetic.referral_ref(referral_no), offered, date, attendance))

    def episode(self, no, referral_no, tier, start, end, reason, keyworker, planned) -> None:
        self._episodes(
            (
                synthetic.episode_ref(no),
                synthetic.referral_ref(referral_no),
                tier,
                start,
                end,
                reason,
                keyworker,
                planned,
            )
        )

    def contact(self, episode_no, date, kind, mode, minutes, attendance, interventions) -> None:
        self._contacts(
            (
                synthetic.episode_ref(episode_no),
                date,
                kind,
                mode,
                minutes,
                attendance,
                interventions,
            )
        )

    def outcome(self, episode_no, timepoint, date, reported_by, *values: Any) -> None:
        self._outcomes((synthetic.episode_ref(episode_no), timepoint, date, reported_by, *values))

    def top_records(self, episode_no, rows) -> None:
        """TOPs and client information reviews (synthetic_top)."""
        ref = synthetic.episode_ref(episode_no)
        tops, reviews = self.files["tops.csv"].write, self.files["client_reviews.csv"].write
        for kind, date, stage, cells in rows:
            if kind == "top":
                tops((ref, date, stage, *(cells[i] or None for i in TOP_ITEMS)))
            else:
                reviews((ref, date, *(cells[i] or None for i in REVIEW_ITEMS)))

    def close(self) -> None:
        for f in self.files.values():
            f.close()


def write_demo_bundle(folder: Path, *, seed: int) -> None:
    """The demo as a bundle: the five services, their staff, and three
    years of NECTOS-shaped records."""
    folder.mkdir(parents=True, exist_ok=True)
    services = _CsvFile(folder, ServiceResource())
    for code, name, tier, drop_in, weeks in SERVICES:
        services.write((code, name, tier, drop_in, weeks))
    services.close()
    staff = _CsvFile(folder, StaffResource())
    for username, full_name, roles, superuser in sorted(STAFF):
        email = f"{username}@demo.invalid"
        if superuser:
            staff.write((username, full_name, email, ADMIN, ()))
        by_role: dict[str, list[str]] = {}
        for code, role in roles:
            by_role.setdefault(str(role), []).append(code)
        for role_code, codes in sorted(by_role.items()):
            staff.write((username, full_name, email, role_code, tuple(codes)))
    staff.close()
    sink = BundleSink(folder)
    simulation = synthetic.Simulation(random.Random(seed), demo_profiles(), sink)
    try:
        simulation.run()
    finally:
        sink.close()
    write_cm_files(folder, random.Random(seed), simulation.as_of)


def generate_demo(*, seed: int) -> ImportReport:
    with tempfile.TemporaryDirectory(prefix="nectos-demo-") as tmp:
        folder = Path(tmp)
        write_demo_bundle(folder, seed=seed)
        report = import_bundle(folder, audit={"via": "generate_demo", "seed": seed})
    if report.ok:
        # The import made the staff without passwords; the demo signs in
        # with a shared one.
        demo_services_and_staff()
    return report

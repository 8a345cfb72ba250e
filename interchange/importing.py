"""Importing a bundle: read and clean every row, check everything, and only
then write it all in one transaction (or nothing at all).

The stages: every file is streamed through its resource's widgets into a
temporary staging table (bundle.py, resources.py, staging.py); the
cross-row rules run as SQL over those tables and the database (checks.py);
and the writes are set-based INSERT ... SELECT and UPDATE ... FROM
(writes.py), so the pghistory triggers audit every row written."""

import datetime as dt
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pghistory
from django.db import DatabaseError, connection, transaction

from clients.models import Attendance, EthnicCategory, ReferralSource, Sex, Substance
from interchange import checks, top_files, writes
from interchange.bundle import (
    BUNDLE,
    BundleRefused,
    FileUnreadable,
    Problem,
    open_bundle,
    read_rows,
)
from interchange.resources import FILE_NAMES, RESOURCES, BundleResource
from interchange.staging import StageWriter, create_stage, stage_table
from keywork.models import ContactType, DischargeReason, Intervention, Mode
from nectos import clock
from outcomes.models import ReportedBy, Timepoint
from services.access import ADMIN
from services.models import Role, Service

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ImportScope:
    """The services a (non-administrator) importer manages: every row must
    belong to one of them. None as a scope means the command line or an
    administrator: no limit."""

    services: frozenset[str]


def scope_for(user: Any) -> ImportScope | None:
    if user is None or user.is_superuser:
        return None
    return ImportScope(frozenset(Service.objects.managed_by(user).values_list("code", flat=True)))


@dataclass
class FileCounts:
    rows: int = 0
    bad: int = 0
    new: int = 0
    changed: int = 0

    @property
    def unchanged(self) -> int:
        return self.rows - self.bad - self.new - self.changed


@dataclass
class ImportReport:
    dry_run: bool = False
    imported: bool = False
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, FileCounts] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def sort(self) -> None:
        order = {name: i for i, name in enumerate([BUNDLE, *FILE_NAMES])}
        # Stable: a row's cell problems stay in column order.
        self.problems.sort(key=lambda p: (order.get(p.file, 99), p.line or 0))
        for name, counts in self.counts.items():
            counts.bad = len(
                {
                    p.line
                    for p in self.problems
                    if p.file == name and p.line and not p.reason.startswith("header")
                }
            )

    def lines(self) -> list[str]:
        """The plain-text report the command prints."""
        out = [str(p) for p in self.problems]
        if self.problems:
            files = len({p.file for p in self.problems})
            out.append(
                f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in "
                f"{files} file{'s' if files != 1 else ''}: nothing was imported."
            )
            if self.counts:
                out.append("Rows read (rows with a problem):")
                for name, c in self.counts.items():
                    out.append(f"  {name:<18} {c.rows:>9,} ({c.bad:,})")
            return out
        if self.dry_run:
            out.append("Dry run: the bundle is valid; nothing was written. It would give:")
        else:
            out.append("Imported:")
        out.append(f"  {'file':<18} {'new':>9} {'changed':>9} {'unchanged':>9}")
        for name, c in self.counts.items():
            out.append(f"  {name:<18} {c.new:>9,} {c.changed:>9,} {c.unchanged:>9,}")
        return out

    def as_dict(self, max_problems: int | None = None) -> dict:
        problems = self.problems if max_problems is None else self.problems[:max_problems]
        return {
            "dry_run": self.dry_run,
            "imported": self.imported,
            "problem_count": len(self.problems),
            "problems": [p.as_dict() for p in problems],
            # A list, not a mapping: JSON columns do not keep key order.
            "counts": [
                {
                    "file": name,
                    "rows": c.rows,
                    "bad": c.bad,
                    "new": c.new,
                    "changed": c.changed,
                    "unchanged": c.unchanged,
                }
                for name, c in self.counts.items()
            ],
        }


def load_codes() -> dict[str, frozenset[str]]:
    def codes(model) -> frozenset[str]:
        return frozenset(model.objects.values_list("code", flat=True))

    return {
        "sex": codes(Sex),
        "ethnicity": codes(EthnicCategory),
        "source": codes(ReferralSource),
        "primary_substance": codes(Substance),
        "discharge_reason": codes(DischargeReason),
        "interventions": codes(Intervention),
        "attendance": frozenset(Attendance.values),
        "contact_type": frozenset(ContactType.values),
        "mode": frozenset(Mode.values),
        "timepoint": frozenset(Timepoint.values),
        "reported_by": frozenset(ReportedBy.values),
        "role": frozenset([*Role.values, ADMIN]),
    } | top_files.codes_for_files()


def import_bundle(
    path: str | Path,
    *,
    scope: ImportScope | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    audit: dict[str, Any] | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Check the whole bundle, then write it in one transaction. With any
    problem, or with dry_run, the transaction is rolled back: the counts
    of a dry run are those the import would give."""
    report = ImportReport(dry_run=dry_run)
    try:
        bundle = open_bundle(path, max_bytes=max_bytes)
    except BundleRefused as refused:
        report.problems = refused.problems
        return report
    run = _Run(
        bundle=bundle,
        scope=scope,
        today=today or clock.today(),
        progress=progress or (lambda stage, fraction: None),
        report=report,
    )
    try:
        with bundle, transaction.atomic(), pghistory.context(**(audit or {"via": "import"})):
            _quiet_trigger_checks()
            run.read_and_check()
            if report.problems:
                transaction.set_rollback(True)
            else:
                run.write()
                if dry_run:
                    transaction.set_rollback(True)
                else:
                    report.imported = True
    except DatabaseError as error:
        # Every rule is checked before writing, so this is a rule the checks
        # do not know yet (a constraint another app added): report, not crash.
        diag = getattr(getattr(error, "__cause__", None), "diag", None)
        what = getattr(diag, "constraint_name", None) or getattr(diag, "message_primary", None)
        report.imported = False
        report.problems.append(
            Problem(BUNDLE, None, None, f"the database refused the import ({what or 'error'})")
        )
    report.sort()
    return report


def _quiet_trigger_checks() -> None:
    """Every row written still fires its pghistory trigger (imports are
    audited). But each trigger first asks pgtrigger whether it is being
    ignored, and when `pgtrigger.ignore` is unset that question raises and
    catches an error inside PL/pgSQL: a subtransaction rolled back per
    row, about ten times the cost of the insert itself. Setting it to an
    empty list, for this transaction only, ignores nothing and skips the
    error."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        # The staging queries look expensive to the planner (window functions
        # over guessed row counts), and compiling them with JIT cost seconds
        # each while running them takes milliseconds.
        cursor.execute("SET LOCAL jit = off")


@dataclass
class _Run:
    bundle: Any
    scope: ImportScope | None
    today: dt.date
    progress: Progress
    report: ImportReport
    broken: set[str] = field(default_factory=set)
    bytes_read: int = 0

    def _on_bytes(self, n: int) -> None:
        self.bytes_read += n

    def read_and_check(self) -> None:
        codes = load_codes()
        resources = [cls(codes=codes, today=self.today) for cls in RESOURCES]
        # ON COMMIT DROP cleans up after a commit; an import nested in a
        # larger transaction (a test, say) may find the last one's tables.
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TABLE IF EXISTS res_client, res_referral, res_episode, s_appointments, "
                "m_appointments, s_contacts, m_contacts"
            )
        for resource in resources:
            create_stage(resource)
        for resource in resources:
            if resource.file_name in self.bundle.sizes:
                self._stage_file(resource)
        with connection.cursor() as cursor:
            for resource in resources:  # the planner needs their sizes
                cursor.execute(f'ANALYZE "{stage_table(resource)}"')
        self.progress("Checking references", 0.7)
        self.report.problems.extend(
            checks.run_all(
                scope=self.scope,
                today=self.today,
                broken=self.broken,
                present=set(self.bundle.sizes),
            )
        )

    def _stage_file(self, resource: BundleResource) -> None:
        name = resource.file_name
        counts = self.report.counts.setdefault(name, FileCounts())
        problems = self.report.problems
        writer = StageWriter(stage_table(resource), list(resource.fields))
        total = max(self.bundle.total_bytes, 1)
        self.progress(f"Reading {name}", 0.7 * self.bytes_read / total)
        try:
            with self.bundle.open(name) as stream:
                for line, cells in read_rows(stream, name, resource.columns, self._on_bytes):
                    counts.rows += 1
                    if isinstance(cells, list):
                        problems.extend(cells)
                        continue
                    values, row_problems = resource.clean_row(cells)
                    if row_problems:
                        problems.extend(Problem(name, line, c, r) for c, r in row_problems)
                    writer.add(line, bool(row_problems), values.values())
                    if counts.rows % 20000 == 0:
                        self.progress(
                            f"Reading {name}: {counts.rows:,} rows", 0.7 * self.bytes_read / total
                        )
        except FileUnreadable as unreadable:
            problems.append(unreadable.problem)
            self.broken.add(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            problems.append(Problem(name, None, None, f"cannot be read from the zip ({error})"))
            self.broken.add(name)
        writer.flush()

    def write(self) -> None:
        steps = writes.WRITERS
        for i, (name, writer) in enumerate(steps):
            self.progress(f"Writing {name}", 0.75 + 0.25 * i / len(steps))
            if name in self.bundle.sizes:
                new, changed = writer()
                counts = self.report.counts[name]
                counts.new, counts.changed = new, changed
        if not self.report.dry_run:
            self.progress("Bringing follow-ups up to date", 0.98)
            writes.refresh_followups(self.today)
        self.progress("Finished", 1.0)

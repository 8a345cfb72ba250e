"""Loading a core-data-set version from a CSV pack, and reading one back as
the lookup the extract uses.

A pack is a folder of four UTF-8 CSV files with a header row:

- `version.csv`: `name`, `description`, `date_format` (one row)
- `fields.csv`: `position`, `name`, `source`, `format`, `required_in`,
  `to_confirm`, `description`
- `codes.csv`: `list`, `local_code`, `national_code`, `label`, `to_confirm`
- `local_authorities.csv` (may be absent): `code`, `name`, `to_confirm`

A pack with any bad row loads nothing, and the error names every bad row."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from reporting.ndtms.build import SOURCES
from reporting.ndtms.codes import local_codes
from reporting.ndtms.models import (
    CODE_LISTS,
    ROW_TYPES,
    CdsCode,
    CdsField,
    CoreDataSetVersion,
)
from services.models import LocalAuthority

LISTS = {name for name, _ in CODE_LISTS}
TYPES = {name for name, _ in ROW_TYPES}
PLAIN_FORMATS = {"text", "date", "integer", "decimal"}
YES_NO = {"yes": True, "no": False}
LA_CODE = re.compile(r"^[EWSN][0-9]{8}$")


class PackError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Reference:
    """A version as the extract reads it: fields in file order and
    (list, local code) -> national code."""

    version: CoreDataSetVersion
    fields: list[CdsField]
    codes: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        return [f.name for f in self.fields]

    def national(self, code_list: str, local: str) -> str | None:
        return self.codes.get((code_list, local))


def reference_for(version: CoreDataSetVersion) -> Reference:
    """Two queries."""
    fields = list(version.fields.order_by("position"))
    codes = {
        (c.code_list, c.local_code): c.national_code
        for c in CdsCode.objects.filter(version=version)
    }
    return Reference(version=version, fields=fields, codes=codes)


def _read(path: Path, name: str, columns: list[str], problems: list[str], *, optional=False):
    file = path / name
    if not file.exists():
        if not optional:
            problems.append(f"{name}: missing")
        return []
    with file.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != columns:
            problems.append(f"{name}: the columns must be {', '.join(columns)}")
            return []
        return [(line, row) for line, row in enumerate(reader, start=2)]


def _flag(value: str, where: str, problems: list[str]) -> bool:
    if value not in YES_NO:
        problems.append(f"{where}: to_confirm must be yes or no")
        return True
    return YES_NO[value]


def pack_load(*, path: Path | str, in_force_from: dt.date | None = None) -> CoreDataSetVersion:
    """Load a pack as a new version; raise PackError, having saved nothing,
    when anything in it is wrong. A version's name is loaded once: a
    changed pack is a new version (stored extracts keep the one they used)."""
    path = Path(path)
    problems: list[str] = []
    if not path.is_dir():
        raise PackError([f"{path}: not a folder"])
    head = _read(path, "version.csv", ["name", "description", "date_format"], problems)
    field_rows = _read(
        path,
        "fields.csv",
        ["position", "name", "source", "format", "required_in", "to_confirm", "description"],
        problems,
    )
    code_rows = _read(
        path, "codes.csv", ["list", "local_code", "national_code", "label", "to_confirm"], problems
    )
    la_rows = _read(
        path, "local_authorities.csv", ["code", "name", "to_confirm"], problems, optional=True
    )
    if problems:
        raise PackError(problems)
    if len(head) != 1 or not head[0][1]["name"].strip():
        raise PackError(["version.csv: give exactly one row with a name"])
    meta = head[0][1]
    name = meta["name"].strip()
    if CoreDataSetVersion.objects.filter(name=name).exists():
        raise PackError([f"version {name} is already loaded: give the new pack another name"])
    if in_force_from and CoreDataSetVersion.objects.filter(in_force_from=in_force_from).exists():
        raise PackError([f"another version is already in force from {in_force_from}"])
    try:
        dt.date(2001, 2, 3).strftime(meta["date_format"] or "%d/%m/%Y")
    except ValueError:
        problems.append("version.csv: date_format is not a date format")

    fields: list[CdsField] = []
    seen_names: set[str] = set()
    for line, row in field_rows:
        where = f"fields.csv line {line}"
        fmt = row["format"].strip()
        required = [t for t in row["required_in"].split(";") if t]
        if not row["position"].isdigit():
            problems.append(f"{where}: position must be a whole number")
            continue
        if not row["name"] or row["name"] in seen_names:
            problems.append(f"{where}: name is empty or repeated")
        seen_names.add(row["name"])
        if row["source"] not in SOURCES:
            problems.append(f"{where}: unknown source {row['source']!r}")
        if fmt not in PLAIN_FORMATS and fmt.removeprefix("code:") not in LISTS:
            problems.append(f"{where}: unknown format {fmt!r}")
        if set(required) - TYPES:
            problems.append(f"{where}: required_in names an unknown row type")
        fields.append(
            CdsField(
                position=int(row["position"]),
                name=row["name"],
                source=row["source"],
                format=fmt,
                required_in=";".join(required),
                description=row["description"][:200],
                to_confirm=_flag(row["to_confirm"], where, problems),
            )
        )
    if sorted(f.position for f in fields) != list(range(1, len(fields) + 1)):
        problems.append("fields.csv: positions must run 1, 2, 3 … without gaps")

    codes: list[CdsCode] = []
    known: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    for line, row in code_rows:
        where = f"codes.csv line {line}"
        code_list, local = row["list"], row["local_code"]
        if code_list not in LISTS:
            problems.append(f"{where}: unknown list {code_list!r}")
            continue
        if code_list not in known:
            known[code_list] = local_codes(code_list)
        if local not in known[code_list]:
            problems.append(f"{where}: {local!r} is not a code of {code_list}")
        if (code_list, local) in seen:
            problems.append(f"{where}: {code_list} {local} is given twice")
        seen.add((code_list, local))
        if not row["national_code"].strip() or len(row["national_code"]) > 10:
            problems.append(f"{where}: the national code must be 1 to 10 characters")
        codes.append(
            CdsCode(
                code_list=code_list,
                local_code=local,
                national_code=row["national_code"].strip(),
                label=row["label"][:200],
                to_confirm=_flag(row["to_confirm"], where, problems),
            )
        )

    authorities = []
    for line, row in la_rows:
        where = f"local_authorities.csv line {line}"
        if not LA_CODE.match(row["code"]) or not row["name"].strip():
            problems.append(f"{where}: a code such as E09000012 and a name are needed")
        authorities.append(
            (row["code"], row["name"].strip()[:100], _flag(row["to_confirm"], where, problems))
        )
    if problems:
        raise PackError(problems)

    with transaction.atomic():
        version = CoreDataSetVersion.objects.create(
            name=name,
            description=meta["description"][:200],
            date_format=meta["date_format"] or "%d/%m/%Y",
            in_force_from=in_force_from,
        )
        for f in fields:
            f.version = version
        CdsField.objects.bulk_create(fields)
        for c in codes:
            c.version = version
        CdsCode.objects.bulk_create(codes)
        for code, la_name, to_confirm in authorities:
            LocalAuthority.objects.update_or_create(
                code=code, defaults={"name": la_name, "to_confirm": to_confirm}
            )
    return version

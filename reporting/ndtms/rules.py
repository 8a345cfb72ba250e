"""The checks an extract passes before it is sent. Each problem names its
rule, the client's reference, the NDTMS field and a link to the page that
fixes it. Rules:

- `agency`: the service has an NDTMS agency code (one problem, not one a row).
- `required`: each field the version requires for the row's type has a value.
- `code`: a local code has a national code in the version's list.
- `dates`: dates in order (birth before referral; referral, triage,
  intervention start, intervention end and discharge in that order).
- `discharge`: a discharge reason has its discharge date, and the reverse.
- `top`: a TOP stage has its date, and the reverse.

A field a pair rule (`discharge`, `top`) already reported on a row is not
reported again as `required`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from reporting.ndtms.build import Row
from reporting.ndtms.reference import Reference

RULES = {
    "agency": "Service without an NDTMS agency code",
    "required": "Required field empty",
    "code": "Code with no national code in this version",
    "dates": "Dates out of order",
    "discharge": "Discharge reason and date not together",
    "top": "TOP stage and date not together",
}
# (earlier, later, may they be the same day?)
ORDERED = (
    ("date_of_birth", "referral_date", False),
    ("referral_date", "triage_date", True),
    ("referral_date", "intervention_start", True),
    ("triage_date", "intervention_start", True),
    ("intervention_start", "intervention_end", True),
    ("intervention_start", "discharge_date", True),
)
PAIRS = (
    ("discharge", "discharge_reason", "discharge_date"),
    ("top", "top_stage", "top_date"),
)


@dataclass(frozen=True)
class Problem:
    rule: str
    client_reference: str
    field: str
    message: str
    link: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _empty(value) -> bool:
    return value is None or value == ""


def check(rows: list[Row], ref: Reference, *, agency_code: str) -> list[Problem]:
    names = {f.source: f.name for f in ref.fields}
    problems: list[Problem] = []
    if not agency_code:
        problems.append(
            Problem(
                "agency",
                "",
                names.get("agency_code", "agency"),
                "The service has no NDTMS agency code: ask the administrator to set it.",
                "",
            )
        )
    for row in rows:
        found: list[Problem] = []
        paired: set[str] = set()

        def add(rule: str, source: str, message: str, row: Row = row, found=found) -> None:
            field = names.get(source, source)
            found.append(Problem(rule, row.client_reference, field, message, row.link_for(source)))

        for rule, one, other in PAIRS:
            a, b = row.values.get(one), row.values.get(other)
            if _empty(a) != _empty(b):
                missing = one if _empty(a) else other
                add(
                    rule,
                    missing,
                    f"{names.get(one, one)} and {names.get(other, other)} go together.",
                )
                paired.add(missing)
        for earlier, later, same_day in ORDERED:
            a, b = row.values.get(earlier), row.values.get(later)
            if a is None or b is None or _empty(a) or _empty(b):
                continue
            if b < a or (b == a and not same_day):
                add(
                    "dates",
                    later,
                    f"{names.get(later, later)} ({b}) is before "
                    f"{names.get(earlier, earlier)} ({a}).",
                )
        for f in ref.fields:
            value = row.values.get(f.source)
            if f.source == "agency_code" or f.source in paired:
                continue
            if _empty(value):
                if f.required_for(row.row_type):
                    add("required", f.source, f"{f.name} is required.")
            elif f.code_list and ref.national(f.code_list, str(value)) is None:
                add(
                    "code",
                    f.source,
                    f"{f.name}: {value!r} has no national code in {ref.version.name}.",
                )
        problems.extend(found)
    return problems


def counts_by_rule(problems: list[dict]) -> list[tuple[str, str, int]]:
    """(rule, what it checks, how many) for every rule, in the order above."""
    counts = dict.fromkeys(RULES, 0)
    for p in problems:
        counts[p["rule"]] = counts.get(p["rule"], 0) + 1
    return [(rule, RULES.get(rule, rule), n) for rule, n in counts.items()]

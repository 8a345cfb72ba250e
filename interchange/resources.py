"""The bundle's column mapping: one django-import-export resource per file.

Each resource declares the file's columns, in order, with a strict widget
per column. The import cleans every cell through these widgets (and the
row rules below) before staging it for the set-based checks; the export
renders every value through the same widgets, so a value always leaves
the way it came in. Rows are never saved one by one through a resource:
the import and export do their own bulk work (importing.py, exporting.py).
"""

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from import_export import resources
from import_export.fields import Field
from import_export.widgets import Widget

from nectos import clock

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_RE = re.compile(r"^[+-]?\d{1,9}$")
MONEY_RE = re.compile(r"^[+-]?\d{1,9}(\.\d{1,2})?$")
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_]{1,20}$")


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the importer."""


def _shown(value: str) -> str:
    value = value if len(value) <= 40 else value[:37] + "..."
    return repr(value)


class BundleWidget(Widget):
    """A strict widget: empty means "not recorded" (None), and a required
    column refuses it. `sql_type` is the staging column's type."""

    sql_type = "text"

    def __init__(self, *, required: bool = False) -> None:
        super().__init__(coerce_to_string=True)
        self.required = required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value is None or value == "":
            if self.required:
                raise CellError("required, but empty")
            return None
        return self.parse(value)

    def parse(self, value: str) -> Any:
        return value

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return self.format(value)

    def format(self, value: Any) -> str:
        return str(value)


class TextWidget(BundleWidget):
    def __init__(
        self,
        *,
        max_length: int,
        required: bool = False,
        pattern: re.Pattern | None = None,
        pattern_help: str = "",
    ) -> None:
        super().__init__(required=required)
        self.max_length = max_length
        self.pattern = pattern
        self.pattern_help = pattern_help

    def parse(self, value: str) -> str:
        if len(value) > self.max_length:
            raise CellError(f"longer than {self.max_length} characters")
        if any(ch in value for ch in "\x00\r\n"):
            raise CellError("contains a line break or control character")
        if self.pattern is not None and not self.pattern.match(value):
            raise CellError(self.pattern_help)
        return value


class CodeWidget(BundleWidget):
    """A code from a code list. The allowed codes are filled in per import
    (administrators may extend the lists), see BundleResource.__init__."""

    def __init__(self, code_list: str | None, *, required: bool = True) -> None:
        super().__init__(required=required)
        self.code_list = code_list
        # None: any code-shaped value (checked against the bundle later).
        self.allowed: frozenset[str] | None = None

    def parse(self, value: str) -> str:
        value = value.strip()
        if self.allowed is not None and value not in self.allowed:
            expected = ", ".join(sorted(self.allowed)[:20])
            raise CellError(
                f"unknown {self.code_list} code {_shown(value)} (expected one of {expected})"
            )
        return value


class MultiCodeWidget(CodeWidget):
    """Several codes separated by ';'. Cleaned to a sorted tuple."""

    sql_type = "text[]"

    # A tuple where CodeWidget gives a str: callers take each column's own type.
    def parse(self, value: str) -> tuple[str, ...]:  # type: ignore[override]
        codes = [part.strip() for part in value.split(";") if part.strip()]
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                raise CellError(f"{_shown(code)} is listed twice")
            seen.add(code)
            if self.allowed is not None and code not in self.allowed:
                expected = ", ".join(sorted(self.allowed)[:20])
                raise CellError(
                    f"unknown {self.code_list} code {_shown(code)} (expected one of {expected})"
                )
        return tuple(sorted(codes))

    def format(self, value: Iterable[str]) -> str:
        return ";".join(sorted(v for v in value if v))


class DateWidget(BundleWidget):
    sql_type = "date"

    def parse(self, value: str) -> dt.date:
        value = value.strip()
        if not DATE_RE.match(value):
            raise CellError(f"{_shown(value)} is not a date (expected YYYY-MM-DD)")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CellError(f"{_shown(value)} is not a real date") from None

    def format(self, value: dt.date) -> str:
        return value.isoformat()


class IntegerWidget(BundleWidget):
    sql_type = "integer"

    def __init__(self, *, low: int, high: int, required: bool = False) -> None:
        super().__init__(required=required)
        self.low, self.high = low, high

    def parse(self, value: str) -> int:
        value = value.strip()
        if not INT_RE.match(value):
            raise CellError(f"{_shown(value)} is not a whole number")
        number = int(value)
        if not self.low <= number <= self.high:
            raise CellError(f"{number} is out of range ({self.low} to {self.high})")
        return number


class ChoiceIntegerWidget(BundleWidget):
    sql_type = "integer"

    def __init__(self, choices: Iterable[int], *, required: bool = True) -> None:
        super().__init__(required=required)
        self.choices = tuple(choices)

    def parse(self, value: str) -> int:
        value = value.strip()
        if not INT_RE.match(value) or int(value) not in self.choices:
            expected = ", ".join(str(c) for c in self.choices)
            raise CellError(f"{_shown(value)} is not one of {expected}")
        return int(value)


class MoneyWidget(BundleWidget):
    sql_type = "numeric(9,2)"

    def __init__(self, *, high: Decimal, required: bool = False) -> None:
        super().__init__(required=required)
        self.high = high

    def parse(self, value: str) -> Decimal:
        value = value.strip().removeprefix("£")
        if not MONEY_RE.match(value):
            raise CellError(f"{_shown(value)} is not an amount in pounds (like 60 or 12.50)")
        try:
            amount = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern already refuses these
            raise CellError(f"{_shown(value)} is not an amount") from None
        if amount < 0:
            raise CellError("must not be negative")
        if amount > self.high:
            raise CellError(f"more than {self.high}")
        return amount

    def format(self, value: Decimal) -> str:
        return f"{value:.2f}"


class YesNoWidget(BundleWidget):
    sql_type = "boolean"

    def parse(self, value: str) -> bool:
        lowered = value.strip().lower()
        if lowered == "yes":
            return True
        if lowered == "no":
            return False
        raise CellError(f"{_shown(value)} is not yes or no")

    def format(self, value: bool) -> str:
        return "yes" if value else "no"


def column(widget: BundleWidget, name: str) -> Field:
    """A bundle column: the attribute and column share the bundle's name,
    so exports feed plain dicts keyed by column to Field.export."""
    return Field(attribute=name, column_name=name, widget=widget)


class BundleResource(resources.Resource):
    """One bundle file. `key` names the columns that identify a row;
    `identifiers` are columns whose values never appear in a message."""

    file_name: ClassVar[str]
    key: ClassVar[tuple[str, ...]]
    identifiers: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, codes: dict[str, frozenset[str]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, CodeWidget) and codes is not None and widget.code_list:
                widget.allowed = codes[widget.code_list]

    @property
    def columns(self) -> list[str]:
        return [f.column_name for f in self.fields.values()]

    def clean_row(self, cells: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Clean every cell, then apply the row rules. Returns the values
        (None where a cell was bad) and a list of (column, reason)."""
        values: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for name, field in self.fields.items():
            try:
                values[name] = field.widget.clean(cells[name])
            except CellError as error:
                values[name] = None
                reason = str(error)
                if name in self.identifiers and "required" not in reason:
                    reason = _hide_value(reason)
                problems.append((name, reason))
        bad_columns = {name for name, _ in problems}
        problems.extend(self.row_rules(values, bad_columns))
        return values, problems

    def row_rules(self, values: dict[str, Any], bad: set[str]) -> list[tuple[str, str]]:
        return []

    def render_row(self, row: dict[str, Any]) -> list[str]:
        return [field.export(row) for field in self.fields.values()]


def _hide_value(reason: str) -> str:
    return re.sub(r"'[^']*'(\.\.\.)?", "the value", reason, count=1)


def _after(values: dict, bad: set, later: str, earlier: str, what: str) -> list:
    a, b = values.get(later), values.get(earlier)
    if a is None or b is None or later in bad or earlier in bad:
        return []
    if a < b:
        return [(later, f"{what} ({a.isoformat()} is before {b.isoformat()})")]
    return []


class ServiceResource(BundleResource):
    file_name = "services.csv"
    key = ("code",)

    code = column(
        TextWidget(
            max_length=20,
            required=True,
            pattern=CODE_RE,
            pattern_help="a service code is letters, digits and _ only",
        ),
        "code",
    )
    name = column(TextWidget(max_length=200, required=True), "name")
    tier = column(ChoiceIntegerWidget((2, 3, 4)), "tier")
    open_access_drop_in = column(YesNoWidget(required=True), "open_access_drop_in")
    day_programme_weeks = column(IntegerWidget(low=1, high=520), "day_programme_weeks")


class StaffResource(BundleResource):
    file_name = "staff.csv"
    key = ("username", "role")

    username = column(
        TextWidget(
            max_length=150,
            required=True,
            pattern=USERNAME_RE,
            pattern_help="a username is letters, digits and @ . + - _ only",
        ),
        "username",
    )
    full_name = column(TextWidget(max_length=150), "full_name")
    email = column(TextWidget(max_length=254), "email")
    role = column(CodeWidget("role"), "role")
    services = column(MultiCodeWidget(None, required=False), "services")

    def row_rules(self, values: dict, bad: set) -> list:
        problems: list[tuple[str, str]] = []
        role, services = values.get("role"), values.get("services") or ()
        if "role" in bad or "services" in bad:
            return problems
        if role == "admin" and services:
            problems.append(("services", "an administrator holds no service roles: leave it empty"))
        if role and role != "admin" and not services:
            problems.append(("services", f"a {role} needs at least one service code"))
        for code in services:
            if not CODE_RE.match(code):
                problems.append(("services", f"{_shown(code)} is not a service code"))
                break
        return problems


def _not_future(values: dict, bad: set, columns: Iterable[str], today: dt.date) -> list:
    problems = []
    for name in columns:
        value = values.get(name)
        if value is not None and name not in bad and value > today:
            problems.append((name, f"in the future ({value.isoformat()} is after today)"))
    return problems


class DatedResource(BundleResource):
    """A file with dates that may not lie after today."""

    past_dates: ClassVar[tuple[str, ...]] = ()
    today: dt.date

    def __init__(self, codes=None, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(codes=codes, **kwargs)
        self.today = today or clock.today()

    def row_rules(self, values: dict, bad: set) -> list:
        return _not_future(values, bad, self.past_dates, self.today)


REF: dict[str, Any] = {"max_length": 40, "required": True}


class ClientResource(DatedResource):
    file_name = "clients.csv"
    key = ("client_ref",)
    identifiers = frozenset({"client_ref", "initials", "date_of_birth", "preferred_name"})
    past_dates = ("date_of_birth",)

    client_ref = column(TextWidget(**REF), "client_ref")
    initials = column(
        TextWidget(
            max_length=4,
            required=True,
            pattern=re.compile(r"^[A-Z]{1,4}$"),
            pattern_help="initials are 1 to 4 capital letters",
        ),
        "initials",
    )
    date_of_birth = column(DateWidget(required=True), "date_of_birth")
    sex = column(CodeWidget("sex"), "sex")
    ethnicity = column(CodeWidget("ethnicity"), "ethnicity")
    preferred_name = column(TextWidget(max_length=60), "preferred_name")


class ReferralResource(DatedResource):
    file_name = "referrals.csv"
    key = ("referral_ref",)
    identifiers = frozenset({"referral_ref", "client_ref"})
    past_dates = ("referral_date",)

    referral_ref = column(TextWidget(**REF), "referral_ref")
    client_ref = column(TextWidget(**REF), "client_ref")
    service_code = column(TextWidget(max_length=20, required=True), "service_code")
    referral_date = column(DateWidget(required=True), "referral_date")
    source = column(CodeWidget("source"), "source")
    primary_substance = column(CodeWidget("primary_substance"), "primary_substance")


class AppointmentResource(DatedResource):
    file_name = "appointments.csv"
    # Plus the row's place among rows sharing this key (see docs/interchange.md).
    key = ("referral_ref", "appointment_date")
    identifiers = frozenset({"referral_ref"})
    past_dates = ("offered_date",)

    referral_ref = column(TextWidget(**REF), "referral_ref")
    offered_date = column(DateWidget(required=True), "offered_date")
    appointment_date = column(DateWidget(required=True), "appointment_date")
    attendance = column(CodeWidget("attendance", required=False), "attendance")

    def row_rules(self, values: dict, bad: set) -> list:
        problems = super().row_rules(values, bad)
        problems += _after(
            values, bad, "appointment_date", "offered_date", "the appointment is before its offer"
        )
        when = values.get("appointment_date")
        if values.get("attendance") and when is not None and when > self.today:
            problems.append(
                ("attendance", "attendance is recorded for an appointment that is still to come")
            )
        return problems


class EpisodeResource(DatedResource):
    file_name = "episodes.csv"
    key = ("episode_ref",)
    identifiers = frozenset({"episode_ref", "referral_ref"})
    past_dates = ("start_date", "end_date")

    episode_ref = column(TextWidget(**REF), "episode_ref")
    referral_ref = column(TextWidget(**REF), "referral_ref")
    tier = column(ChoiceIntegerWidget((2, 3, 4)), "tier")
    start_date = column(DateWidget(required=True), "start_date")
    end_date = column(DateWidget(), "end_date")
    discharge_reason = column(CodeWidget("discharge_reason", required=False), "discharge_reason")
    keyworker = column(TextWidget(max_length=150, required=True), "keyworker")
    planned_days = column(IntegerWidget(low=1, high=730), "planned_days")

    def row_rules(self, values: dict, bad: set) -> list:
        problems = super().row_rules(values, bad)
        problems += _after(
            values, bad, "end_date", "start_date", "the episode ends before it starts"
        )
        if "end_date" not in bad and "discharge_reason" not in bad:
            if values.get("end_date") and not values.get("discharge_reason"):
                problems.append(("discharge_reason", "an ended episode needs a discharge reason"))
            if values.get("discharge_reason") and not values.get("end_date"):
                problems.append(("end_date", "a discharge reason needs an end date"))
        if "tier" not in bad and "planned_days" not in bad:
            if values.get("tier") == 4 and values.get("planned_days") is None:
                problems.append(("planned_days", "a Tier 4 admission needs its planned days"))
            if values.get("tier") in (2, 3) and values.get("planned_days") is not None:
                problems.append(("planned_days", "planned days are for Tier 4 admissions only"))
        return problems


class ContactResource(DatedResource):
    file_name = "contacts.csv"
    # Plus the row's place among rows sharing this key (see docs/interchange.md).
    key = ("episode_ref", "contact_date", "contact_type")
    identifiers = frozenset({"episode_ref"})
    past_dates = ("contact_date",)

    episode_ref = column(TextWidget(**REF), "episode_ref")
    contact_date = column(DateWidget(required=True), "contact_date")
    contact_type = column(CodeWidget("contact_type"), "contact_type")
    mode = column(CodeWidget("mode"), "mode")
    duration_minutes = column(IntegerWidget(low=1, high=720), "duration_minutes")
    attendance = column(CodeWidget("attendance"), "attendance")
    interventions = column(MultiCodeWidget("interventions", required=False), "interventions")

    def row_rules(self, values: dict, bad: set) -> list:
        problems = super().row_rules(values, bad)
        if "attendance" in bad or "duration_minutes" in bad:
            return problems
        attended = values.get("attendance") == "attended"
        if attended and values.get("duration_minutes") is None:
            problems.append(("duration_minutes", "an attended contact needs its duration"))
        if values.get("attendance") and not attended and values.get("duration_minutes") is not None:
            problems.append(("duration_minutes", "only an attended contact has a duration"))
        return problems


DAYS: dict[str, Any] = {"low": 0, "high": 30, "required": True}
RATING: dict[str, Any] = {"low": 0, "high": 20, "required": True}


class OutcomeResource(DatedResource):
    file_name = "outcomes.csv"
    key = ("episode_ref", "timepoint", "reported_by")
    identifiers = frozenset({"episode_ref"})
    past_dates = ("form_date",)

    episode_ref = column(TextWidget(**REF), "episode_ref")
    timepoint = column(CodeWidget("timepoint"), "timepoint")
    form_date = column(DateWidget(required=True), "form_date")
    reported_by = column(CodeWidget("reported_by"), "reported_by")
    crack_days = column(IntegerWidget(**DAYS), "crack_days")
    crack_spend_per_day = column(MoneyWidget(high=Decimal("9999.99")), "crack_spend_per_day")
    heroin_days = column(IntegerWidget(**DAYS), "heroin_days")
    cocaine_days = column(IntegerWidget(**DAYS), "cocaine_days")
    alcohol_days = column(IntegerWidget(**DAYS), "alcohol_days")
    other_drug_days = column(IntegerWidget(**DAYS), "other_drug_days")
    crime_involved = column(YesNoWidget(required=True), "crime_involved")
    physical_health = column(IntegerWidget(**RATING), "physical_health")
    psychological_health = column(IntegerWidget(**RATING), "psychological_health")
    quality_of_life = column(IntegerWidget(**RATING), "quality_of_life")

    def row_rules(self, values: dict, bad: set) -> list:
        problems = super().row_rules(values, bad)
        if "crack_days" in bad or "crack_spend_per_day" in bad:
            return problems
        days, spend = values.get("crack_days"), values.get("crack_spend_per_day")
        if days and spend is None:
            problems.append(("crack_spend_per_day", "needed when crack was used on any day"))
        if days == 0 and spend is not None:
            problems.append(("crack_spend_per_day", "leave it empty when crack_days is 0"))
        return problems


# In the order an import reads them: every file only points at earlier ones.
RESOURCES: list[type[BundleResource]] = [
    ServiceResource,
    StaffResource,
    ClientResource,
    ReferralResource,
    AppointmentResource,
    EpisodeResource,
    ContactResource,
    OutcomeResource,
]
# Contingency management: after the episodes they point at. Everything else
# takes these classes from here, so that resources is always imported first.
from interchange.cm_resources import (  # noqa: E402, F401 (re-exported)
    CM_RESOURCES,
    CMPlanResource,
    DrugTestResource,
    VoucherIssueResource,
)

RESOURCES += CM_RESOURCES
# The Treatment Outcomes Profile and client information reviews (their own module).
from interchange.top_resources import ClientReviewResource, TopResource  # noqa: E402

RESOURCES += [TopResource, ClientReviewResource]
FILE_NAMES = [r.file_name for r in RESOURCES]

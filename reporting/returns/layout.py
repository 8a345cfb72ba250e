"""What a quarterly return contains: its rows, in order, with plain-words
definitions, and which counts add up to which (for disclosure control).

The rows of the breakdowns depend on the code lists (administrators may
add referral sources, discharge reasons and so on), so the layout is built
from them at build time."""

from __future__ import annotations

from dataclasses import dataclass

from reporting.returns.disclosure import Group, Kind, Measure


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    kind: Kind = "count"
    unit: str = "people"
    base: str | None = None
    numerator: str | None = None
    definition: str = ""

    @property
    def measure(self) -> Measure:
        return Measure(self.key, self.kind, base=self.base, numerator=self.numerator)


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[Line, ...]
    # A breakdown section ends with its total row, drawn as a total.
    total: str | None = None


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    sections: tuple[Section, ...]


def _pct(key: str, label: str, numerator: str, base: str, definition: str) -> Line:
    return Line(key, label, "percent", "%", base=base, numerator=numerator, definition=definition)


REFERRALS = Section(
    "Referrals and assessment",
    (
        Line(
            "referred",
            "Referrals received",
            unit="referrals",
            definition="Referrals dated in the quarter.",
        ),
        Line(
            "assessment_offered",
            "Offered an assessment",
            unit="referrals",
            definition="Of those referrals, how many were offered at least one assessment "
            "appointment by the end of the quarter.",
        ),
        Line(
            "assessed",
            "Assessed",
            unit="referrals",
            definition="Of those referrals, how many attended an assessment by the end of the "
            "quarter.",
        ),
        _pct(
            "assessed_pct",
            "Assessed, % of referrals",
            "assessed",
            "referred",
            "Assessed as a percentage of referrals received, worked out from the rounded counts.",
        ),
        Line(
            "median_days_to_assessment",
            "Median days from referral to assessment",
            "stat",
            "days",
            base="assessed",
            definition="Half of those assessed waited this many days or fewer between referral "
            "and their first attended assessment.",
        ),
        Line(
            "started",
            "Started treatment",
            unit="referrals",
            definition="Of those referrals, how many had started treatment by the end of the "
            "quarter.",
        ),
        _pct(
            "started_pct",
            "Started, % of those assessed",
            "started",
            "assessed",
            "Started treatment as a percentage of those assessed.",
        ),
        Line(
            "median_days_to_treatment",
            "Median days from referral to treatment",
            "stat",
            "days",
            base="started",
            definition="Half of those who started waited this many days or fewer between "
            "referral and the start of treatment.",
        ),
    ),
)

TREATMENT = Section(
    "Treatment",
    (
        Line(
            "starts",
            "Treatment starts",
            unit="episodes",
            definition="Treatment episodes that started in the quarter, whenever the "
            "referral was made.",
        ),
        Line(
            "in_treatment",
            "In treatment at quarter end",
            definition="Episodes that had started and not ended on the last day of the quarter.",
        ),
        Line(
            "discharges",
            "Discharges",
            unit="episodes",
            definition="Episodes that ended in the quarter.",
        ),
        Line(
            "discharges_completed",
            "Discharged having completed treatment",
            unit="episodes",
            definition="Discharges with a completed reason (drug free or occasional user).",
        ),
        Line(
            "discharges_not_completed",
            "Discharged without completing",
            unit="episodes",
            definition="Every other discharge: dropped out, transferred, withdrawn, declined, "
            "moved away, died or other.",
        ),
        _pct(
            "completed_pct",
            "Completed, % of discharges",
            "discharges_completed",
            "discharges",
            "Completed discharges as a percentage of all discharges.",
        ),
    ),
)

RETENTION = Section(
    "Retention",
    (
        Line(
            "eligible_30",
            "Reached day 30 in the quarter",
            unit="episodes",
            definition="Episodes whose 30th day fell in the quarter: they started 30 days "
            "before a day of the quarter, so every one can be judged at day 30.",
        ),
        Line(
            "retained_30",
            "Retained at day 30",
            unit="episodes",
            definition="Of those, still in treatment at day 30, or discharged having completed.",
        ),
        _pct(
            "retained_30_pct",
            "Retained at day 30, %",
            "retained_30",
            "eligible_30",
            "Retained at day 30 as a percentage of those who reached day 30.",
        ),
        Line(
            "eligible_90",
            "Reached day 90 in the quarter",
            unit="episodes",
            definition="Episodes whose 90th day fell in the quarter.",
        ),
        Line(
            "retained_90",
            "Retained at day 90",
            unit="episodes",
            definition="Of those, still in treatment at day 90, or discharged having completed.",
        ),
        _pct(
            "retained_90_pct",
            "Retained at day 90, %",
            "retained_90",
            "eligible_90",
            "Retained at day 90 as a percentage of those who reached day 90.",
        ),
        Line(
            "early_exit",
            "Early exits",
            unit="episodes",
            definition="Of the treatment starts in the quarter, those that had ended by quarter "
            "end after 7 days or fewer, or after at most one attended contact.",
        ),
        _pct(
            "early_exit_pct",
            "Early exits, % of starts",
            "early_exit",
            "starts",
            "Early exits as a percentage of treatment starts.",
        ),
    ),
)

KEYWORK = Section(
    "Keywork",
    (
        Line(
            "contacts",
            "Keywork contacts attended",
            unit="contacts",
            definition="Attended keywork contacts, up to quarter end, in episodes that started "
            "in the quarter.",
        ),
        Line(
            "people_with_contacts",
            "People seen for keywork",
            unit="episodes",
            definition="Episodes that started in the quarter with at least one attended keywork "
            "contact by quarter end.",
        ),
        Line(
            "median_contact_minutes",
            "Median keywork contact, minutes",
            "stat",
            "minutes",
            base="people_with_contacts",
            definition="Half of those contacts lasted this many minutes or fewer.",
        ),
    ),
)


def _outcomes(day: int) -> Section:
    pairs = f"pairs_{day}"
    base = {"base": pairs}
    return Section(
        f"Outcomes at day {day}",
        (
            Line(
                pairs,
                f"Clients with baseline and day {day} forms",
                unit="people",
                definition=f"Episodes that reached day {day} in the quarter and have a baseline "
                f"and a day {day} outcome form completed by the keyworker.",
            ),
            Line(
                f"crack_days_before_{day}",
                "Crack use, days in the last 30: at baseline (mean)",
                "stat",
                "days",
                definition="Mean days of crack use in the 30 days before the baseline form.",
                **base,
            ),
            Line(
                f"crack_days_after_{day}",
                f"Crack use, days in the last 30: at day {day} (mean)",
                "stat",
                "days",
                definition=f"Mean days of crack use in the 30 days before the day {day} form.",
                **base,
            ),
            Line(
                f"spend_before_{day}",
                "Monthly spend on crack at baseline (mean, £)",
                "stat",
                "£",
                definition="Mean of days used times typical spend per using day, at baseline.",
                **base,
            ),
            Line(
                f"spend_after_{day}",
                f"Monthly spend on crack at day {day} (mean, £)",
                "stat",
                "£",
                definition=f"The same at day {day}.",
                **base,
            ),
        ),
    )


@dataclass(frozen=True)
class Breakdown:
    """Rows that split a total row: referral source groups, sex and so on."""

    prefix: str
    title: str
    total: str
    total_label: str
    codes: tuple[tuple[str, str], ...]  # (code, label)
    unit: str = "referrals"


def breakdown_section(b: Breakdown) -> Section:
    lines = tuple(
        Line(f"{b.prefix}:{code}", label, unit=b.unit, definition="") for code, label in b.codes
    )
    return Section(b.title, lines + (Line(b.total, b.total_label, unit=b.unit),), total=b.total)


@dataclass(frozen=True)
class Layout:
    sheets: tuple[Sheet, ...]
    lines: dict[str, Line]
    groups: tuple[Group, ...]

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(line.measure for line in self.lines.values())


def build_layout(breakdowns: tuple[Breakdown, ...]) -> Layout:
    from reporting.returns.cm import CM_SECTION

    # Imported here: returns.national builds its rows from Line and Section.
    from reporting.returns.national import SECTIONS as NATIONAL
    from reporting.returns.top_return import TOP_SECTION

    measures = (
        REFERRALS,
        TREATMENT,
        RETENTION,
        KEYWORK,
        _outcomes(30),
        _outcomes(90),
        TOP_SECTION,
        CM_SECTION,
        *NATIONAL,
    )
    lines: dict[str, Line] = {}
    for section in measures:
        for line in section.lines:
            lines[line.key] = line
    groups = [Group("discharges", ("discharges_completed", "discharges_not_completed"))]
    sections = []
    for b in breakdowns:
        section = breakdown_section(b)
        sections.append(section)
        for line in section.lines:
            lines.setdefault(line.key, line)
        groups.append(Group(b.total, tuple(f"{b.prefix}:{code}" for code, _ in b.codes)))
    return Layout(
        sheets=(
            Sheet("measures", "Measures by service", measures),
            Sheet("breakdowns", "Breakdowns", tuple(sections)),
        ),
        lines=lines,
        groups=tuple(groups),
    )

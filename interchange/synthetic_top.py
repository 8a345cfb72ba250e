"""Treatment Outcomes Profiles and client information reviews for the
simulated episodes (the demo and the national data set).

Rates: a start TOP for about nine in ten Tier 3 and 4 starters (most within
a week of the start, a few late); a review TOP for about nine in ten of
those still in treatment at each six-month review; an exit TOP for about
six in ten discharges; now and then an item declined (about 1 in 100). A client
information review goes with the start TOP and most review TOPs.

Each episode draws from its own random stream (seeded from the episode's
number and start), so adding these never changes the rest of a demo.

Rows are bundle cells (text, as in tops.csv and client_reviews.csv):
`n;n;n;n`, `declined`, empty, amounts, yes/no, codes."""

import datetime as dt
import random
from collections.abc import Iterator

from clients.review_models import REVIEW_ITEMS
from outcomes.top_models import AMOUNT_OF, ITEMS

DAY = dt.timedelta(days=1)
_AMOUNT_FOR = {days: amount for amount, days in AMOUNT_OF.items()}
REVIEW_DAYS = 182
DECLINE = 0.01

_SUBSTANCES = ("alcohol", "opiates", "crack", "cocaine", "amphetamines", "cannabis")
# P(using at start) per substance, for a crack and stimulant service.
_USING = {
    "alcohol": 0.55,
    "opiates": 0.25,
    "crack": 0.85,
    "cocaine": 0.3,
    "amphetamines": 0.05,
    "cannabis": 0.35,
}


def _weeks(rng: random.Random, total: int) -> str:
    """Four weeks adding up to `total` (0 to 28), spread at random."""
    weeks = [0, 0, 0, 0]
    for _ in range(total):
        free = [i for i in range(4) if weeks[i] < 7]
        weeks[rng.choice(free)] += 1
    return ";".join(str(w) for w in weeks)


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


class _Client:
    def __init__(self, rng: random.Random) -> None:
        self.days = {
            s: (_clamp(rng.gammavariate(2.4, 4.5), 1, 28) if rng.random() < p else 0)
            for s, p in _USING.items()
        }
        self.tobacco = 28 if rng.random() < 0.75 else 0
        self.injecting = _clamp(rng.gammavariate(2, 3), 1, 28) if rng.random() < 0.12 else 0
        self.scores = [rng.gauss(9, 3), rng.gauss(10, 3), rng.gauss(9, 3)]
        self.housing = rng.random() < 0.2
        self.work = rng.random() < 0.15


def _top(rng: random.Random, client: _Client, factor: float) -> dict[str, str]:
    """One TOP's cells: factor 1.0 at start, lower when better."""
    cells = dict.fromkeys(ITEMS, "")
    for name in _SUBSTANCES:
        start = client.days[name]
        if factor >= 1.0 or start == 0:
            days = start
        elif rng.random() < 0.4 * (1.2 - factor):
            days = 0
        else:
            days = _clamp(start * factor * rng.uniform(0.4, 1.6), 1, 28)
        cells[f"{name}_days"] = _weeks(rng, days)
    if client.days["alcohol"] and cells["alcohol_days"] != "0;0;0;0":
        cells["alcohol_units"] = f"{rng.choice((4, 6, 8, 10, 12, 16, 20)):.2f}"
    for name in ("crack", "cocaine"):
        if cells[f"{name}_days"] != "0;0;0;0":
            cells[f"{name}_spend"] = f"{5 * rng.randint(4, 24):.2f}"
    cells["other_days"] = "0;0;0;0"
    cells["tobacco_days"] = _weeks(rng, client.tobacco)
    inject = client.injecting if factor >= 1.0 else _clamp(client.injecting * factor, 0, 28)
    cells["injecting_days"] = _weeks(rng, inject)
    cells["sharing"] = "yes" if inject and rng.random() < 0.2 else "no"
    crime = 0.25 * min(1.0, factor)
    for name in ("shoplifting_days", "selling_days", "other_theft_days"):
        cells[name] = _weeks(
            rng, _clamp(rng.gammavariate(2, 2), 1, 28) if rng.random() < crime else 0
        )
    cells["assault"] = "yes" if rng.random() < crime / 2 else "no"
    cells["work_days"] = _weeks(rng, 16 if client.work else 0)
    cells["education_days"] = "0;0;0;0"
    cells["acute_housing_problem"] = "yes" if client.housing and factor >= 1.0 else "no"
    cells["risk_of_eviction"] = "yes" if rng.random() < 0.05 else "no"
    better = 0 if factor >= 1.0 else 2.5 * (1.2 - factor)
    for name, base in zip(
        ("psychological_health", "physical_health", "quality_of_life"), client.scores, strict=True
    ):
        cells[name] = str(_clamp(base + better + rng.gauss(0, 1.5), 0, 20))
    for item in ITEMS:
        if item != "other_substance" and rng.random() < DECLINE:
            cells[item] = "declined"
            if item in _AMOUNT_FOR:
                cells[_AMOUNT_FOR[item]] = ""
    return cells


_ACCOMMODATION = (("none", 75), ("housing_problem", 18), ("urgent_housing_problem", 7))
_EMPLOYMENT = (
    ("unemployed", 45),
    ("long_term_sick", 20),
    ("regular_employment", 15),
    ("homemaker", 5),
    ("pupil_student", 3),
    ("unpaid_voluntary", 3),
    ("retired", 2),
    ("other", 7),
)
_PARENTAL = (
    ("not_a_parent", 55),
    ("all_children_live_with_client", 12),
    ("some_children_live_with_client", 5),
    ("no_children_live_with_client", 28),
)
_HEPB = (
    ("not_offered", 20),
    ("offered_refused", 15),
    ("offered_accepted", 15),
    ("course_started", 15),
    ("course_completed", 20),
    ("already_immune", 15),
)
_HEPC = (("not_offered", 20), ("offered_refused", 20), ("offered_accepted", 20), ("tested", 40))
_HEPC_RESULT = (("negative", 80), ("antibody_positive", 10), ("pcr_positive", 5), ("unknown", 5))


def _pick(rng: random.Random, weighted) -> str:
    codes, weights = zip(*weighted, strict=True)
    return rng.choices(codes, weights)[0]


def _review(rng: random.Random, client: _Client) -> dict[str, str]:
    cells = dict.fromkeys(REVIEW_ITEMS, "")
    cells["accommodation_need"] = _pick(rng, _ACCOMMODATION)
    cells["employment_status"] = "regular_employment" if client.work else _pick(rng, _EMPLOYMENT)
    parental = _pick(rng, _PARENTAL)
    cells["parental_status"] = parental
    living = parental in ("all_children_live_with_client", "some_children_live_with_client")
    cells["children_in_household"] = str(rng.randint(1, 3) if living else 0)
    cells["early_help_or_social_care"] = "yes" if living and rng.random() < 0.3 else "no"
    cells["pregnant"] = "yes" if rng.random() < 0.02 else "no"
    need = rng.random() < 0.45
    cells["mental_health_need"] = "yes" if need else "no"
    cells["mental_health_treatment"] = "yes" if need and rng.random() < 0.5 else "no"
    cells["injecting_status"] = (
        "currently" if client.injecting else _pick(rng, (("never", 80), ("previously", 20)))
    )
    cells["hepb_vaccination"] = _pick(rng, _HEPB)
    test = _pick(rng, _HEPC)
    cells["hepc_test"] = test
    cells["hepc_result"] = _pick(rng, _HEPC_RESULT) if test == "tested" else ""
    cells["naloxone_issued"] = "yes" if rng.random() < 0.4 else "no"
    for item in REVIEW_ITEMS:
        if rng.random() < DECLINE / 2:
            cells[item] = "declined"
    if cells["hepc_test"] != "tested" and cells["hepc_result"] not in ("", "declined"):
        cells["hepc_result"] = ""
    return cells


Row = tuple[str, dt.date, str, dict[str, str]]  # (kind, date, stage, cells)


def episode_records(
    episode_no: int, tier: int, start: dt.date, end: dt.date | None, as_of: dt.date
) -> Iterator[Row]:
    """("top", date, stage, cells) and ("review", date, "", cells) rows."""
    if tier not in (3, 4):
        return
    rng = random.Random(episode_no * 1_000_003 + start.toordinal())
    last = min(end, as_of) if end else as_of
    client = _Client(rng)
    if rng.random() >= 0.9:
        start_top = None
    else:
        late = rng.random() < 0.06
        offset = rng.randrange(15, 30) if late else rng.randrange(0, 8)
        start_top = min(start + offset * DAY, last)
        yield ("top", start_top, "start", _top(rng, client, 1.0))
        if rng.random() < 0.95:
            yield ("review", start_top, "", _review(rng, client))
    used = {start_top}
    if start_top is not None:
        k = 1
        while True:
            due = start_top + k * REVIEW_DAYS * DAY
            if due - 14 * DAY > last:
                break
            when = min(due + rng.randint(-14, 14) * DAY, last)
            if rng.random() < 0.9 and when > start_top and when not in used:
                used.add(when)
                factor = max(0.2, 0.45 - 0.05 * k)
                yield ("top", when, "review", _top(rng, client, factor))
                if rng.random() < 0.85:
                    yield ("review", when, "", _review(rng, client))
            k += 1
    if end is not None and end <= as_of and rng.random() < 0.6:
        days = (end - start).days
        yield ("top", end, "exit", _top(rng, client, 0.3 if days >= 90 else 0.8))


def copy_fields(cells: dict[str, str], items, columns: dict[str, str]) -> list[str]:
    """A row's item cells as COPY text for the model's columns, then its
    `declined` array (for the national load, which writes tables directly)."""
    out, declined = [], []
    for item in items:
        value = cells.get(item, "")
        if value == "declined":
            declined.append(item)
            out.append("\\N")
        elif value == "":
            out.append("\\N")
        elif value in ("yes", "no"):
            out.append("t" if value == "yes" else "f")
        elif ";" in value:
            out.append("{" + value.replace(";", ",") + "}")
        else:
            out.append(value)
    out.append("{" + ",".join(declined) + "}")
    return out

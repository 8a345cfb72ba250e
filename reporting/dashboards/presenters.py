"""Turn stored figures into what the pages print: rows for the tables, data
for the charts (the same numbers) and plain-words sentences. Pure functions
of the figures: no queries."""

from collections.abc import Callable

from reporting.metrics import SMALL_N
from reporting.metrics.funnel import WAIT_BINS

# A group with fewer people than this is marked "small" on the breakdowns.
SMALL_GROUP = 10

Link = Callable[..., str | None]


def no_link(*_args, **_kwargs) -> None:
    return None


# --- Formatting ---------------------------------------------------------------------


def pct(n: int | None, d: int | None) -> str:
    if not d or n is None:
        return "–"
    return f"{round(100 * n / d)}%"


def share(x: float | None) -> str:
    return "–" if x is None else f"{round(100 * x)}%"


def num(x: float | None, places: int = 1) -> str:
    if x is None:
        return "–"
    return f"{x:,.{places}f}"


def money(x: float | None) -> str:
    return "–" if x is None else f"£{x:,.0f}"


def p_value(p: float | None) -> str:
    if p is None:
        return "no test (no change at all)"
    if p < 0.001:
        return "p < 0.001"
    if p < 0.01:
        return f"p = {p:.3f}"
    return f"p = {p:.2f}"


def interval(ci: list[float] | None, fmt: Callable[[float], str]) -> str:
    if not ci:
        return "–"
    return f"{fmt(ci[0])} to {fmt(ci[1])}"


def signed(x: float | None, places: int = 1) -> str:
    if x is None:
        return "–"
    return f"{x:+,.{places}f}".replace("-", "−")


def signed_money(x: float | None) -> str:
    if x is None:
        return "–"
    sign = "−" if x < 0 else "+"
    return f"{sign}£{abs(x):,.0f}"


# --- Funnel -----------------------------------------------------------------------------

FUNNEL_STEPS = (
    ("referred", "Referred", None, None),
    ("assessment_offered", "Offered an assessment", "not_offered", "never offered one"),
    ("assessed", "Assessed", "offered_not_assessed", "offered but not assessed"),
    ("started", "Started treatment", "assessed_not_started", "assessed but not started"),
)


def funnel_rows(funnel: dict, link: Link = no_link) -> list[dict]:
    rows = []
    referred = funnel["referred"]
    for key, label, drop, drop_label in FUNNEL_STEPS:
        rows.append(
            {
                "key": key,
                "label": label,
                "count": funnel[key],
                "href": link(f"funnel:{key}"),
                "of_referred": pct(funnel[key], referred),
                "drop": funnel.get(drop) if drop else None,
                "drop_label": drop_label,
                "drop_href": link(f"funnel:{drop}") if drop else None,
            }
        )
    return rows


def funnel_chart(funnel: dict) -> dict:
    return {
        "labels": [label for _k, label, _d, _dl in FUNNEL_STEPS],
        "counts": [funnel[key] for key, _l, _d, _dl in FUNNEL_STEPS],
    }


SOURCE_GROUP_LABELS = {"gp": "GP", "self": "Self-referral"}


def source_rows(by_source: dict, retention_by_source: dict, link: Link = no_link) -> list[dict]:
    rows = []
    for group, f in by_source.items():
        r = retention_by_source.get(group, {"eligible_30": 0, "retained_30": 0})
        rows.append(
            {
                "group": group,
                "label": SOURCE_GROUP_LABELS.get(group, group.capitalize()),
                "referred": f["referred"],
                "referred_href": link("funnel:referred", "source_group", group),
                "assessed": f["assessed"],
                "assessed_pct": pct(f["assessed"], f["referred"]),
                "not_assessed_href": link("funnel:offered_not_assessed", "source_group", group),
                "not_assessed": f["offered_not_assessed"] + f["not_offered"],
                "started": f["started"],
                "started_pct": pct(f["started"], f["referred"]),
                "eligible_30": r["eligible_30"],
                "retained_30": r["retained_30"],
                "retained_30_pct": pct(r["retained_30"], r["eligible_30"]),
                "small": f["referred"] < SMALL_GROUP,
            }
        )
    return rows


def source_chart(rows: list[dict]) -> dict:
    def as_number(n: int, d: int) -> float | None:
        return None if not d else round(100 * n / d, 1)

    return {
        "labels": [r["label"] for r in rows],
        "assessed": [as_number(r["assessed"], r["referred"]) for r in rows],
        "started": [as_number(r["started"], r["referred"]) for r in rows],
    }


def wait_rows(funnel: dict) -> list[dict]:
    return [
        {
            "label": f"{label} days",
            "assessment": funnel["days_to_assessment_distribution"][label],
            "treatment": funnel["days_to_treatment_distribution"][label],
        }
        for label, _low, _high in WAIT_BINS
    ]


def wait_chart(rows: list[dict]) -> dict:
    return {
        "labels": [r["label"] for r in rows],
        "assessment": [r["assessment"] for r in rows],
        "treatment": [r["treatment"] for r in rows],
    }


# --- Retention ------------------------------------------------------------------------


def retention_rows(retention: dict, link: Link = no_link) -> list[dict]:
    return [
        {
            "label": f"Day {n}",
            "eligible": retention[f"eligible_{n}"],
            "eligible_href": link(f"retention:eligible_{n}"),
            "retained": retention[f"retained_{n}"],
            "retained_href": link(f"retention:retained_{n}"),
            "retained_pct": pct(retention[f"retained_{n}"], retention[f"eligible_{n}"]),
            "not_retained": retention[f"not_retained_{n}"],
            "not_retained_href": link(f"retention:not_retained_{n}"),
            "censored": retention[f"censored_{n}"],
            "censored_href": link(f"retention:censored_{n}"),
        }
        for n in (30, 90)
    ]


# Days at which the survival table below the curve is read.
KM_READINGS = (7, 14, 30, 60, 90, 180, 365)


def km_chart(survival: dict) -> dict:
    curve = survival["curve"]
    return {
        "days": [p["day"] for p in curve],
        "survival": [p["survival"] for p in curve],
        "low": [p["low"] for p in curve],
        "high": [p["high"] for p in curve],
    }


def km_readings(survival: dict) -> list[dict]:
    """The curve read at fixed days (the last step at or before each)."""
    curve = survival["curve"]
    if not curve:
        return []
    last_day = curve[-1]["day"]
    rows = []
    for day in KM_READINGS:
        if day > last_day:
            break
        point = [p for p in curve if p["day"] <= day][-1]
        at_risk = sum(p["events"] + p["censored"] for p in curve if p["day"] >= day)
        rows.append(
            {
                "day": day,
                "survival": share(point["survival"]),
                "band": f"{share(point['low'])} to {share(point['high'])}",
                "at_risk": at_risk,
            }
        )
    return rows


def km_steps(survival: dict) -> list[dict]:
    return [
        {
            "day": p["day"],
            "at_risk": p["at_risk"],
            "events": p["events"],
            "censored": p["censored"],
            "survival": share(p["survival"]),
            "band": f"{share(p['low'])} to {share(p['high'])}",
        }
        for p in survival["curve"]
    ]


# --- Keywork intensity ----------------------------------------------------------------


def keyworker_rows(
    by_keyworker: dict, retention_by_keyworker: dict, names: dict[str, str]
) -> list[dict]:
    rows = []
    for username in sorted(
        set(by_keyworker) | set(retention_by_keyworker), key=lambda u: (names.get(u) or u).lower()
    ):
        figures = by_keyworker.get(username, {})
        rows.append(
            {
                "name": names.get(username, username),
                "episodes": retention_by_keyworker.get(username, {}).get("episodes", 0),
                "contacts": figures.get("contacts", 0),
                "interval": num(figures.get("mean_contact_interval_days")),
                "interval_value": figures.get("mean_contact_interval_days"),
                "minutes": num(figures.get("median_contact_minutes"), 0),
                "first_10": share(figures.get("share_first_10_days")),
                "first_30": share(figures.get("share_first_30_days")),
            }
        )
    return rows


def keyworker_chart(rows: list[dict]) -> dict:
    return {
        "labels": [r["name"] for r in rows],
        "interval": [r["interval_value"] for r in rows],
    }


# --- Outcomes ---------------------------------------------------------------------------


def _direction(before: float, after: float) -> str:
    if after < before:
        return "fell"
    if after > before:
        return "rose"
    return "stayed"


def change_sentence(what: str, before: float, after: float, fmt, unit: str, n: int, p) -> str:
    """ "crack use fell from 9.8 to 4.1 days a month, 82 clients, p < 0.001"."""
    direction = _direction(before, after)
    clients = f"{n} client{'s' if n != 1 else ''}"
    if direction == "stayed":
        return f"{what} stayed at {fmt(before)}{unit} ({clients}, {p_value(p)})."
    return f"{what} {direction} from {fmt(before)} to {fmt(after)}{unit} ({clients}, {p_value(p)})."


def _count(figures: dict, key: str) -> str:
    return f"{figures[key]} ({pct(figures[key], figures['n_pairs'])})"


def outcome_card(name: str, figures: dict) -> dict:
    """Sentences and table rows for one follow-up ("day30" or "day90")."""
    n = figures["n_pairs"]
    label = {"day30": "Day 30", "day90": "Day 90"}[name]
    card: dict = {"name": name, "label": label, "n": n, "sentences": [], "rows": []}
    if not n:
        card["warning"] = f"No client has both a baseline and a {label.lower()} keyworker form yet."
        return card
    if n < SMALL_N:
        card["warning"] = (
            f"Only {n} pair{'s' if n != 1 else ''}: too few to conclude anything; "
            "read the figures as a description of these clients only."
        )
    card["sentences"] = [
        change_sentence(
            "Crack use",
            figures["baseline_mean_crack_days"],
            figures["followup_mean_crack_days"],
            num,
            " days a month",
            n,
            figures["wilcoxon_p"],
        ),
        change_sentence(
            "Monthly spend on crack",
            figures["baseline_mean_monthly_spend"],
            figures["followup_mean_monthly_spend"],
            money,
            "",
            n,
            figures.get("spend_wilcoxon_p"),
        ),
        (
            f"Abstinent from crack: {figures['baseline_abstinent']} of {n} "
            f"({pct(figures['baseline_abstinent'], n)}) at baseline, "
            f"{figures['followup_abstinent']} ({pct(figures['followup_abstinent'], n)}) "
            f"at {label.lower()} ({p_value(figures['mcnemar_p'])})."
        ),
        (
            f"Involved in crime: {figures['baseline_crime']} of {n} "
            f"({pct(figures['baseline_crime'], n)}) at baseline, "
            f"{figures['followup_crime']} ({pct(figures['followup_crime'], n)}) "
            f"at {label.lower()} ({p_value(figures.get('crime_mcnemar_p'))})."
        ),
    ]
    card["rows"] = [
        {
            "label": "Crack use, mean days in the last 30",
            "baseline": num(figures["baseline_mean_crack_days"]),
            "followup": num(figures["followup_mean_crack_days"]),
            "change": signed(figures["mean_difference"]),
            "ci": interval(figures["ci95"], lambda x: signed(x)),
            "p": p_value(figures["wilcoxon_p"]),
        },
        {
            "label": "Crack use, median days",
            "baseline": num(figures.get("baseline_median_crack_days")),
            "followup": num(figures.get("followup_median_crack_days")),
            "change": "",
            "ci": "",
            "p": "",
        },
        {
            "label": "Monthly spend on crack, mean",
            "baseline": money(figures["baseline_mean_monthly_spend"]),
            "followup": money(figures["followup_mean_monthly_spend"]),
            "change": signed_money(figures.get("spend_mean_difference")),
            "ci": interval(figures.get("spend_ci95"), signed_money),
            "p": p_value(figures.get("spend_wilcoxon_p")),
        },
        {
            "label": "Abstinent from crack",
            "baseline": _count(figures, "baseline_abstinent"),
            "followup": _count(figures, "followup_abstinent"),
            "change": "",
            "ci": "",
            "p": p_value(figures["mcnemar_p"]) + " (McNemar)",
        },
        {
            "label": "Involved in crime",
            "baseline": _count(figures, "baseline_crime"),
            "followup": _count(figures, "followup_crime"),
            "change": "",
            "ci": "",
            "p": p_value(figures.get("crime_mcnemar_p")) + " (McNemar)",
        },
    ]
    return card


def outcomes_chart(outcomes: dict) -> dict:
    labels, baseline, followup = [], [], []
    for name, label in (("day30", "Day 30"), ("day90", "Day 90")):
        figures = outcomes[name]
        if figures["n_pairs"]:
            labels.append(f"{label} ({figures['n_pairs']} clients)")
            baseline.append(round(figures["baseline_mean_crack_days"], 1))
            followup.append(round(figures["followup_mean_crack_days"], 1))
    return {"labels": labels, "baseline": baseline, "followup": followup}


def agreement_sentence(agreement: dict) -> str:
    n = agreement["pairs"]
    if not n:
        return "No timepoint has both a keyworker form and a client self-report yet."
    r = agreement["correlation"]
    corr = "" if r is None else f", correlation {r:.2f}"
    return (
        f"Where keyworker and client both reported crack use for the same timepoint "
        f"({n} pair{'s' if n != 1 else ''}), they agreed exactly {pct(agreement['exact'], n)} "
        f"of the time and within two days {pct(agreement['within_2_days'], n)}; the mean "
        f"absolute difference was {num(agreement['mean_absolute_difference'])} days{corr}."
    )


# --- Breakdowns ----------------------------------------------------------------------------


def breakdown_rows(by: str, groups: dict, labels: dict, link: Link = no_link) -> list[dict]:
    rows = []
    for code, m in groups.items():
        f, r, o = m["funnel"], m["retention"], m["outcomes"]["day30"]
        rows.append(
            {
                "label": labels.get(code, code),
                "referred": f["referred"],
                "referred_href": link("funnel:referred", by, code),
                "assessed_pct": pct(f["assessed"], f["referred"]),
                "started_pct": pct(f["started"], f["referred"]),
                "episodes": r["episodes"],
                "episodes_href": link("retention:episodes", by, code),
                "retained_30": f"{r['retained_30']} of {r['eligible_30']}",
                "retained_30_pct": pct(r["retained_30"], r["eligible_30"]),
                "retained_90": f"{r['retained_90']} of {r['eligible_90']}",
                "retained_90_pct": pct(r["retained_90"], r["eligible_90"]),
                "early_exit": r["early_exit"],
                "pairs": o["n_pairs"],
                "change": signed(o.get("mean_difference")) if o["n_pairs"] else "–",
                "small": max(f["referred"], r["episodes"]) < SMALL_GROUP,
            }
        )
    return rows


# --- Comparison -------------------------------------------------------------------------

# A pooled benchmark built from other services shows no figure resting on
# fewer people than this (the commissioners' small-number threshold).
POOLED_MINIMUM = 8


def _rate(n: int, d: int, pooled: bool) -> str:
    if pooled and d < POOLED_MINIMUM:
        return "–"
    return pct(n, d)


def _based_on(value: str, n: int, pooled: bool) -> str:
    return "–" if pooled and n < POOLED_MINIMUM else value


def _rounded(n: int, pooled: bool) -> str:
    """Pooled counts are rounded to the nearest 5 (0 stays 0)."""
    if not pooled:
        return f"{n:,}"
    if n == 0:
        return "0"
    if n < POOLED_MINIMUM:
        return "–"
    return f"{5 * round(n / 5):,}"


COMPARE_MEASURES = (
    ("Referred", lambda m, pooled: _rounded(m["funnel"]["referred"], pooled)),
    (
        "Offered an assessment",
        lambda m, pooled: _rate(m["funnel"]["assessment_offered"], m["funnel"]["referred"], pooled),
    ),
    (
        "Assessed",
        lambda m, pooled: _rate(m["funnel"]["assessed"], m["funnel"]["referred"], pooled),
    ),
    (
        "Started treatment",
        lambda m, pooled: _rate(m["funnel"]["started"], m["funnel"]["referred"], pooled),
    ),
    (
        "Median days to assessment",
        lambda m, pooled: _based_on(
            num(m["funnel"]["median_days_to_assessment"]), m["funnel"]["assessed"], pooled
        ),
    ),
    (
        "Median days to treatment",
        lambda m, pooled: _based_on(
            num(m["funnel"]["median_days_to_treatment"]), m["funnel"]["started"], pooled
        ),
    ),
    ("Episodes started", lambda m, pooled: _rounded(m["retention"]["episodes"], pooled)),
    (
        "Retained at day 30",
        lambda m, pooled: _rate(
            m["retention"]["retained_30"], m["retention"]["eligible_30"], pooled
        ),
    ),
    (
        "Retained at day 90",
        lambda m, pooled: _rate(
            m["retention"]["retained_90"], m["retention"]["eligible_90"], pooled
        ),
    ),
    (
        "Early exits",
        lambda m, pooled: _rate(m["retention"]["early_exit"], m["retention"]["episodes"], pooled),
    ),
    ("Keywork contacts", lambda m, pooled: _rounded(m["intensity"]["contacts"], pooled)),
    (
        "Mean days between keywork contacts",
        lambda m, pooled: _based_on(
            num(m["intensity"]["mean_contact_interval_days"]), m["intensity"]["contacts"], pooled
        ),
    ),
    (
        "Median contact length (minutes)",
        lambda m, pooled: _based_on(
            num(m["intensity"]["median_contact_minutes"], 0), m["intensity"]["contacts"], pooled
        ),
    ),
    (
        "Contacts in the first 30 days",
        lambda m, pooled: _based_on(
            share(m["intensity"]["share_first_30_days"]), m["intensity"]["contacts"], pooled
        ),
    ),
    ("Day-30 outcome pairs", lambda m, pooled: _rounded(m["outcomes"]["day30"]["n_pairs"], pooled)),
    (
        "Change in crack days by day 30",
        lambda m, pooled: _based_on(
            signed(m["outcomes"]["day30"].get("mean_difference")),
            m["outcomes"]["day30"]["n_pairs"],
            pooled,
        ),
    ),
    ("Day-90 outcome pairs", lambda m, pooled: _rounded(m["outcomes"]["day90"]["n_pairs"], pooled)),
    (
        "Change in crack days by day 90",
        lambda m, pooled: _based_on(
            signed(m["outcomes"]["day90"].get("mean_difference")),
            m["outcomes"]["day90"]["n_pairs"],
            pooled,
        ),
    ),
)


def compare_rows(columns: list[dict]) -> list[dict]:
    """One row per measure, one cell per column ({"figures", "pooled"})."""
    return [
        {"label": label, "cells": [cell(c["figures"], c["pooled"]) for c in columns]}
        for label, cell in COMPARE_MEASURES
    ]

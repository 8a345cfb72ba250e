"""The TOP section of the service dashboard: tables and a chart from the
`top` object of the metrics report (reporting/metrics/top.py)."""

from reporting.dashboards.presenters import interval, num, pct, signed

SUBSTANCE_LABELS = {
    "alcohol": "Alcohol",
    "opiates": "Opiates",
    "crack": "Crack",
    "cocaine": "Cocaine powder",
    "amphetamines": "Amphetamines",
    "cannabis": "Cannabis",
}
SCORE_LABELS = {
    "psychological_health": "Psychological health",
    "physical_health": "Physical health",
    "quality_of_life": "Quality of life",
}


def top_context(top: dict | None) -> dict | None:
    """None for a snapshot taken before the TOP figures existed."""
    if not top:
        return None
    substances = []
    for name, label in SUBSTANCE_LABELS.items():
        f = top[name]
        substances.append(
            {
                "name": name,
                "label": label,
                "using": f["using_at_start"],
                "abstinent": f["abstinent_at_review"],
                "abstinent_pct": pct(f["abstinent_at_review"], f["using_at_start"]),
                "start": num(f["mean_days_start"]),
                "review": num(f["mean_days_review"]),
            }
        )
    scores = []
    for name, label in SCORE_LABELS.items():
        f = top[name]
        scores.append(
            {
                "name": name,
                "label": label,
                "n": f["n"],
                "change": signed(f["mean_change"]),
                "ci": interval(f["ci95"], signed),
            }
        )
    return {
        "due": top["start_tops_due"],
        "on_time": top["start_tops_on_time"],
        "on_time_pct": pct(top["start_tops_on_time"], top["start_tops_due"]),
        "pairs": top["pairs"],
        "substances": substances,
        "scores": scores,
        "chart": {
            "labels": [s["label"] for s in substances],
            "start": [top[n]["mean_days_start"] for n in SUBSTANCE_LABELS],
            "review": [top[n]["mean_days_review"] for n in SUBSTANCE_LABELS],
        },
    }

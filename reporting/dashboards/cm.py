"""The contingency management section of a service dashboard, from a
snapshot's figures (reporting.metrics.cm). A snapshot worked out before the
CM figures existed has none: the section then says so."""

from reporting.dashboards.presenters import num, share


def cm_section(data: dict) -> dict | None:
    figures = data.get("summary", {}).get("cm")
    weeks = data.get("cm_by_week")
    if figures is None or weeks is None:
        return None
    return {
        "figures": figures,
        "share_negative": share(figures["share_negative"]),
        "median_longest_run": num(figures["median_longest_run"]),
        "earned": f"£{figures['earned']:,.2f}",
        "issued": f"£{figures['issued']:,.2f}",
        "weeks": [{**w, "share": share(w["share_negative"])} for w in weeks],
        "chart": {
            "labels": [f"Week {w['week']}" for w in weeks],
            "shares": [
                None if w["share_negative"] is None else round(100 * w["share_negative"], 1)
                for w in weeks
            ],
        },
    }

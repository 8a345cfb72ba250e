"""What the pages say, from the figures alone."""

from reporting.dashboards.presenters import (
    change_sentence,
    compare_rows,
    km_readings,
    num,
    outcome_card,
    p_value,
)
from reporting.metrics import empty_measures


def _figures(n=82, before=9.8, after=4.1, p=0.0004):
    return {
        "n_pairs": n,
        "baseline_mean_crack_days": before,
        "followup_mean_crack_days": after,
        "mean_difference": after - before,
        "ci95": [-6.8, -4.6],
        "wilcoxon_p": p,
        "baseline_mean_monthly_spend": 588.0,
        "followup_mean_monthly_spend": 230.0,
        "baseline_abstinent": 4,
        "followup_abstinent": 30,
        "mcnemar_p": 0.00001,
        "baseline_crime": 20,
        "followup_crime": 11,
    }


def test_a_fall_reads_like_the_study():
    sentence = change_sentence("Crack use", 9.8, 4.1, num, " days a month", 82, 0.0004)
    assert sentence == "Crack use fell from 9.8 to 4.1 days a month (82 clients, p < 0.001)."


def test_a_rise_and_no_change_are_said_too():
    assert "rose from 2.0 to 3.0" in change_sentence("Crack use", 2, 3, num, "", 5, 0.2)
    assert "stayed at 2.0" in change_sentence("Crack use", 2, 2, num, "", 1, None)
    assert "(1 client," in change_sentence("Crack use", 2, 2, num, "", 1, None)


def test_p_values_are_rounded_for_reading():
    assert p_value(None) == "no test (no change at all)"
    assert p_value(0.0004) == "p < 0.001"
    assert p_value(0.0042) == "p = 0.004"
    assert p_value(0.0312) == "p = 0.03"
    assert p_value(1.0) == "p = 1.00"


def test_a_card_warns_when_there_are_too_few_pairs():
    assert "warning" not in outcome_card("day30", _figures())
    card = outcome_card("day30", _figures(n=6))
    assert card["warning"].startswith("Only 6 pairs: too few to conclude anything")
    assert card["sentences"][0].startswith("Crack use fell from 9.8 to 4.1 days a month")
    assert outcome_card("day90", {"n_pairs": 0})["warning"].startswith("No client has both")


def test_abstinence_and_crime_are_counts_and_shares_of_the_pairs():
    card = outcome_card("day30", _figures())
    assert card["sentences"][2].startswith(
        "Abstinent from crack: 4 of 82 (5%) at baseline, 30 (37%)"
    )
    assert card["sentences"][3].startswith(
        "Involved in crime: 20 of 82 (24%) at baseline, 11 (13%)"
    )


def test_the_pooled_benchmark_hides_small_numbers_and_rounds_counts():
    small = empty_measures()
    small["funnel"] |= {"referred": 6, "assessed": 3, "started": 2, "assessment_offered": 5}
    big = empty_measures()
    big["funnel"] |= {"referred": 123, "assessed": 80, "started": 61, "assessment_offered": 100}
    rows = {
        r["label"]: r["cells"]
        for r in compare_rows(
            [
                {"figures": small, "pooled": False},
                {"figures": small, "pooled": True},
                {"figures": big, "pooled": True},
            ]
        )
    }
    assert rows["Referred"] == ["6", "–", "125"]
    assert rows["Assessed"] == ["50%", "–", "65%"]
    assert rows["Episodes started"] == ["0", "0", "0"]


def test_the_survival_table_reads_the_curve_at_fixed_days():
    curve = [
        {"day": 0, "survival": 1.0, "low": 1.0, "high": 1.0, "events": 0, "censored": 0},
        {"day": 10, "survival": 0.5, "low": 0.2, "high": 0.8, "events": 1, "censored": 0},
        {"day": 40, "survival": 0.5, "low": 0.2, "high": 0.8, "events": 0, "censored": 1},
    ]
    rows = km_readings({"curve": curve})
    assert [(r["day"], r["survival"], r["at_risk"]) for r in rows] == [
        (7, "100%", 2),
        (14, "50%", 1),
        (30, "50%", 1),
    ]

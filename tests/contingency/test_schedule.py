import datetime as dt

from contingency.schedule import scheduled_dates

MONDAY = dt.date(2030, 3, 4)  # pure function of the dates given
WEEKDAYS = (0, 1, 2, 3, 4)


def test_twelve_weeks_have_three_then_two_then_one_a_week():
    dates = scheduled_dates(MONDAY, 12, WEEKDAYS)
    per_week = [sum(1 for d in dates if (d - MONDAY).days // 7 == w) for w in range(12)]
    assert per_week == [3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1]
    assert len(dates) == 21


def test_tests_fall_on_days_the_service_opens_spread_over_the_week():
    dates = scheduled_dates(MONDAY, 12, WEEKDAYS)
    assert [d.strftime("%a") for d in dates[:3]] == ["Mon", "Wed", "Fri"]
    assert [d.strftime("%a") for d in dates[9:11]] == ["Mon", "Fri"]
    assert dates[-1].strftime("%a") == "Mon"
    assert all(d.weekday() < 5 for d in dates)


def test_a_plan_starting_midweek_keeps_its_weeks_from_the_start_day():
    wednesday = MONDAY + dt.timedelta(days=2)
    dates = scheduled_dates(wednesday, 1, WEEKDAYS)
    assert [d.strftime("%a") for d in dates] == ["Wed", "Fri", "Tue"]


def test_a_service_open_two_days_a_week_gets_a_test_on_each():
    dates = scheduled_dates(MONDAY, 4, (1, 3))
    assert [d.strftime("%a") for d in dates[:2]] == ["Tue", "Thu"]
    assert len(dates) == 2 * 3 + 2

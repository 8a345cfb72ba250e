"""The default testing schedule (domain.md): 3 tests a week in weeks 1 to
3, 2 a week in weeks 4 to 6, 1 a week after, on the days the service opens.

Week k of a plan is the seven days from start + 7(k - 1). Within a week the
tests are spread over its opening days: the first and the last opening day
and, for a third, the middle one (Monday, Wednesday and Friday for a plan
starting on a Monday at a service open Monday to Friday; Monday and Friday
for two; Monday for one). A week with fewer opening days than tests gets a
test on each opening day."""

import datetime as dt


def tests_in_week(week: int) -> int:
    if week <= 3:
        return 3
    if week <= 6:
        return 2
    return 1


def spread(days: list[dt.date], n: int) -> list[dt.date]:
    if n >= len(days):
        return days
    if n == 1:
        return days[:1]
    last = len(days) - 1
    return [days[round(i * last / (n - 1))] for i in range(n)]


def scheduled_dates(start: dt.date, weeks: int, weekdays: tuple[int, ...]) -> list[dt.date]:
    dates: list[dt.date] = []
    for week in range(1, weeks + 1):
        first = start + dt.timedelta(days=7 * (week - 1))
        open_days = [
            first + dt.timedelta(days=i)
            for i in range(7)
            if (first + dt.timedelta(days=i)).weekday() in weekdays
        ]
        dates.extend(spread(open_days, tests_in_week(week)))
    return dates

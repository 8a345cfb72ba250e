"""LITERAL_DAY is the day that the tests whose data are literal dates were
written for. They carry `pytest.mark.today(LITERAL_DAY)`, which runs them
with the calendar frozen on it (ticking from noon, London time), so their
"past" and "future" stay where they were written, whatever day the suite
runs on. New tests build their dates from `nectos.clock.today()` instead."""

LITERAL_DAY = "2026-12-07"

"""Where a client is in a fixed-length programme or a residential stay.

Pure functions of dates, so the record, the register and the caseload agree
and tests can pin the edges. Choices are written up in docs/keywork.md."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet

from keywork.models import ContactType, Episode

# Discharge reasons that end a residential admission by the client's own
# choice; completed reasons are planned completion; the provider's
# withdrawal is a discharge by the service. Everything else is "other".
SELF_DISCHARGE_REASONS = frozenset({"dropped_out", "declined_by_client"})
SERVICE_DISCHARGE_REASONS = frozenset({"withdrawn_by_provider"})


@dataclass(frozen=True)
class ProgrammeProgress:
    weeks: int
    started_on: dt.date | None
    week: int  # 1..weeks while running; 0 before the first session
    sessions_attended: int
    completed: bool
    left_early: bool

    @property
    def label(self) -> str:
        if self.started_on is None:
            return f"Not started (programme of {self.weeks} weeks)"
        if self.completed:
            return f"Completed the {self.weeks}-week programme"
        if self.left_early:
            return f"Left in week {self.week} of {self.weeks}"
        return f"Week {self.week} of {self.weeks}"


def programme_progress(
    *,
    weeks: int,
    started_on: dt.date | None,
    sessions_attended: int,
    end_date: dt.date | None,
    completed_reason: bool,
    as_of: dt.date,
) -> ProgrammeProgress:
    """Week n counts from the first attended day-programme session (week 1
    is its first seven days). The programme is completed when the client is
    still in the episode on the day after week `weeks` ends, or was
    discharged with a completed reason."""
    if started_on is None or started_on > as_of:
        return ProgrammeProgress(weeks, None, 0, 0, False, False)
    finish = started_on + dt.timedelta(days=7 * weeks)
    stop = as_of if end_date is None or end_date > as_of else end_date
    ended = end_date is not None and end_date <= as_of
    week = min((stop - started_on).days // 7 + 1, weeks)
    completed = stop >= finish or (ended and completed_reason)
    return ProgrammeProgress(
        weeks=weeks,
        started_on=started_on,
        week=week,
        sessions_attended=sessions_attended,
        completed=completed,
        left_early=ended and not completed,
    )


def with_programme_start(episodes: QuerySet) -> QuerySet:
    """Annotate the first attended day-programme session and the count of
    them: one aggregate in the same query, whatever the number of contacts."""
    day_programme = Q(
        contacts__contact_type=ContactType.DAY_PROGRAMME, contacts__attendance="attended"
    )
    return episodes.annotate(
        programme_started_on=Min("contacts__contact_date", filter=day_programme),
        programme_sessions=Count("contacts", filter=day_programme),
    )


def progress_for(episode: Episode, as_of: dt.date) -> ProgrammeProgress | None:
    """For an episode annotated by with_programme_start() whose service runs
    a fixed-length programme; None otherwise."""
    weeks = episode.referral.service.day_programme_weeks
    if not weeks:
        return None
    reason = episode.discharge_reason
    return programme_progress(
        weeks=weeks,
        started_on=getattr(episode, "programme_started_on", None),
        sessions_attended=getattr(episode, "programme_sessions", 0) or 0,
        end_date=episode.end_date,
        completed_reason=bool(reason and reason.completed),
        as_of=as_of,
    )


@dataclass(frozen=True)
class ResidentialStay:
    planned_days: int
    day: int  # admission day is day 1; day planned+1 is the planned discharge day
    planned_end: dt.date  # start + planned days: the planned discharge date
    days_over: int
    ended: bool
    stayed_days: int  # end - start, once ended
    ending: str  # "", "planned completion", "self-discharge", "discharged by the service", "other"

    @property
    def label(self) -> str:
        if self.ended:
            return f"Stayed {self.stayed_days} of {self.planned_days} planned days ({self.ending})"
        if self.days_over > 0:
            return f"{self.days_over} days past the planned {self.planned_days}"
        if self.day > self.planned_days:
            return f"Planned discharge day ({self.planned_days} days completed)"
        return f"Day {self.day} of {self.planned_days}"


def residential_ending(reason_code: str | None, completed: bool) -> str:
    if not reason_code:
        return ""
    if completed:
        return "planned completion"
    if reason_code in SELF_DISCHARGE_REASONS:
        return "self-discharge"
    if reason_code in SERVICE_DISCHARGE_REASONS:
        return "discharged by the service"
    return "other"


def residential_stay(episode: Episode, as_of: dt.date) -> ResidentialStay | None:
    """Day n of planned for a Tier 4 admission (None for other tiers)."""
    if episode.tier != 4 or not episode.planned_days:
        return None
    planned_end = episode.start_date + dt.timedelta(days=episode.planned_days)
    end = episode.end_date
    ended = end is not None and end <= as_of
    stop = end if end is not None and ended else as_of
    reason = episode.discharge_reason if ended else None
    return ResidentialStay(
        planned_days=episode.planned_days,
        day=(stop - episode.start_date).days + 1,
        planned_end=planned_end,
        days_over=0 if ended else max(0, (stop - planned_end).days),
        ended=ended,
        stayed_days=(stop - episode.start_date).days,
        ending=residential_ending(
            reason.code if reason else None, bool(reason and reason.completed)
        ),
    )

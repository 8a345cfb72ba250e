"""Writes for care plans: goals in the client's words, and their reviews."""

import datetime as dt

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction

from keywork.models import CarePlan, Episode, Goal, GoalDomain, GoalReview, GoalStatus
from nectos import clock
from services.models import User

# A goal comes up for review four weeks after it is set or last reviewed,
# unless the keyworker chooses another date (docs/keywork.md).
REVIEW_INTERVAL = dt.timedelta(days=28)


def default_next_review(from_day: dt.date, target_date: dt.date | None = None) -> dt.date:
    due = from_day + REVIEW_INTERVAL
    if target_date is not None and from_day <= target_date < due:
        return target_date
    return due


def _within_episode(episode: Episode, day: dt.date, field: str, what: str) -> dict[str, str]:
    if day > clock.today():
        return {field: f"The {what} cannot be after today."}
    if day < episode.start_date:
        return {field: f"The {what} cannot be before the episode started."}
    if episode.end_date and day > episode.end_date:
        return {field: f"The {what} cannot be after the episode ended."}
    return {}


def _goal_text_errors(text: str, domain: str) -> dict[str, str]:
    errors = {}
    if not text.strip():
        errors["text"] = "Write the goal, in the client's words."
    elif len(text) > 500:
        errors["text"] = "Keep the goal to 500 characters."
    if domain not in GoalDomain.values:
        errors["domain"] = "Choose a domain from the list."
    return errors


def goal_add(
    *,
    episode: Episode,
    acting_user: User,
    text: str,
    domain: str,
    target_date: dt.date | None = None,
    next_review_date: dt.date | None = None,
    set_on: dt.date | None = None,
) -> Goal:
    """Add a goal to the episode's care plan, creating the plan with its first goal."""
    set_on = set_on or clock.today()
    errors = _goal_text_errors(text, domain)
    if not episode.is_open:
        errors["text"] = "The episode has ended: its care plan is closed."
    errors |= _within_episode(episode, set_on, "set_on", "date the goal was agreed")
    if target_date is not None and target_date < set_on:
        errors["target_date"] = "The target date cannot be before the goal was agreed."
    next_review_date = next_review_date or default_next_review(set_on, target_date)
    if next_review_date < set_on:
        errors["next_review_date"] = "The next review cannot be before the goal was agreed."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        plan, _ = CarePlan.objects.get_or_create(
            episode=episode, defaults={"created_by": acting_user}
        )
        return Goal.objects.create(
            care_plan=plan,
            text=text.strip(),
            domain=domain,
            target_date=target_date,
            next_review_date=next_review_date,
            set_on=set_on,
            created_by=acting_user,
        )


def goal_update(
    *, goal: Goal, acting_user: User, text: str, domain: str, target_date: dt.date | None
) -> Goal:
    """Reword a goal or move its target. The old wording stays in history."""
    errors = _goal_text_errors(text, domain)
    if target_date is not None and target_date < goal.set_on:
        errors["target_date"] = "The target date cannot be before the goal was agreed."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        goal.text = text.strip()
        goal.domain = domain
        goal.target_date = target_date
        goal.save(update_fields=["text", "domain", "target_date"])
    return goal


def goal_review(
    *,
    goal: Goal,
    acting_user: User,
    review_date: dt.date,
    note: str,
    status: str,
    next_review_date: dt.date | None = None,
) -> GoalReview:
    """A dated review with a short note; it may close the goal (achieved or
    dropped) or keep it open until the next review."""
    episode = goal.care_plan.episode
    errors = _within_episode(episode, review_date, "review_date", "review date")
    if not errors and review_date < goal.set_on:
        errors["review_date"] = "The review cannot be before the goal was agreed."
    if not note.strip():
        errors["note"] = "Write a short note of the review."
    elif len(note) > 500:
        errors["note"] = "Keep the note to 500 characters."
    if status not in GoalStatus.values:
        errors["status"] = "Choose a status from the list."
    if status == GoalStatus.OPEN:
        if next_review_date is None:
            next_review_date = default_next_review(review_date, goal.target_date)
        if next_review_date <= review_date:
            errors["next_review_date"] = "The next review must be after this one."
    else:
        next_review_date = None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        review = GoalReview.objects.create(
            goal=goal,
            review_date=review_date,
            note=note.strip(),
            status=status,
            reviewed_by=acting_user,
        )
        goal.status = status
        goal.next_review_date = next_review_date
        goal.save(update_fields=["status", "next_review_date"])
    return review

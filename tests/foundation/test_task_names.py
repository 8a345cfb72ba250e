"""Task names and beat keys are part of the contract with messages already
queued in Redis: moving a module must not rename a task."""

from django.conf import settings

from nectos.celery import app

# Every task's name as queued messages and the beat schedule carry it.
TASK_NAMES = {
    "dashboards.compute_snapshot",
    "dashboards.nightly_snapshots",
    "interchange.check_import",
    "interchange.expire_previews",
    "interchange.run_import",
    "outcomes.daily_followups",
    "outcomes.refresh_episode",
    "outcomes.send_digest",
    "outcomes.sweep_followups",
    "returns.generate_quarterly_return",
    "security.break_glass_notify",
    "security.sessions_clear_expired",
    "security.send_break_glass_notice",
    "security.membership_notify",
    "security.second_factor_notify",
    "nectos.sweep_jobs",
}


def test_autodiscovery_finds_every_task_under_its_old_name():
    app.loader.import_default_modules()
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert registered >= TASK_NAMES


def test_every_beat_entry_names_a_registered_task_under_an_unchanged_key():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert set(schedule) == {
        "outcomes-daily",
        "outcomes-sweep",
        "dashboards-nightly",
        "interchange-expire-previews",
        "security-clear-sessions",
        "jobs-sweep",
    }
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)


def test_the_commissioner_home_panel_is_connected_by_its_app():
    from services.views import home_context

    assert any("commissioner_home" in repr(r) for r in home_context.receivers)

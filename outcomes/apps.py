from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self) -> None:
        from keywork import queries as keywork_queries
        from keywork.signals import episode_ended, episode_started
        from outcomes import receivers
        from outcomes.models import OutcomeForm

        keywork_queries.timeline_forms_register(OutcomeForm)

        episode_started.connect(receivers.on_episode_started, dispatch_uid="outcomes.started")
        episode_ended.connect(receivers.on_episode_ended, dispatch_uid="outcomes.ended")
        keywork_queries.caseload_loaded.connect(
            receivers.on_caseload_loaded, dispatch_uid="outcomes.caseload"
        )
        keywork_queries.record_loaded.connect(
            receivers.on_record_loaded, dispatch_uid="outcomes.record"
        )

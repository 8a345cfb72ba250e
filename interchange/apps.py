from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "interchange"
    verbose_name = "Bundle import and export"

    def ready(self) -> None:
        from interchange.sweep import import_jobs_sweep
        from nectos.sweep import register

        # Beat's sweep re-queues this app's jobs whose task was lost.
        register(import_jobs_sweep)

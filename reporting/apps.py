from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from nectos.sweep import register
        from reporting.sweep import returns_sweep, snapshots_sweep

        # Beat's sweep re-queues this app's jobs whose task was lost.
        register(returns_sweep)
        register(snapshots_sweep)
        # The commissioner's home panel answers services' home_context signal.
        from reporting.returns import home  # noqa: F401

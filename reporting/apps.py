from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        # The commissioner's home panel answers services' home_context signal.
        from reporting.returns import home  # noqa: F401

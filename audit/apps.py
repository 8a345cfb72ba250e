from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Access audit and break-glass"

    def ready(self) -> None:
        from audit.sweep import notices_sweep
        from nectos.sweep import register

        # Beat's sweep re-queues this app's jobs whose task was lost.
        register(notices_sweep)

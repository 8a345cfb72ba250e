from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    label = "security"
    verbose_name = "Sign-in and sessions"

    def ready(self) -> None:
        from security import signals, staff  # noqa: F401

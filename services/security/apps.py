from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "services.security"
    label = "security"
    verbose_name = "Sign-in and sessions"

    def ready(self) -> None:
        from services.security import signals, staff  # noqa: F401

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hiu.web.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Connects the sign-in, sign-out and failed sign-in receivers.
        from hiu.web.audit import signals  # noqa: F401

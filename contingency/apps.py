from django.apps import AppConfig


class ContingencyConfig(AppConfig):
    name = "contingency"
    verbose_name = "Contingency management"

    def ready(self) -> None:
        from contingency import receivers
        from keywork import queries as keywork_queries

        keywork_queries.caseload_loaded.connect(
            receivers.on_caseload_loaded, dispatch_uid="contingency.caseload"
        )
        keywork_queries.record_loaded.connect(
            receivers.on_record_loaded, dispatch_uid="contingency.record"
        )

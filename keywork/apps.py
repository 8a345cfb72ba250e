from django.apps import AppConfig


class KeyworkConfig(AppConfig):
    name = "keywork"

    def ready(self) -> None:
        from keywork import queries, receivers

        queries.caseload_loaded.connect(
            receivers.on_caseload_loaded, dispatch_uid="keywork.caseload"
        )
        queries.waiting_list_loaded.connect(
            receivers.on_waiting_list_loaded, dispatch_uid="keywork.waiting_list"
        )
        queries.record_loaded.connect(receivers.on_record_loaded, dispatch_uid="keywork.record")

"""The request id: one per request, sent back as X-Request-ID, written on
every log line and every access event, so an event can be matched to logs."""

import logging
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

current_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds record.request_id ("-" outside a request) for the log format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


@receiver(request_finished)
def _forget_request_id(**kwargs) -> None:
    current_request_id.set("-")

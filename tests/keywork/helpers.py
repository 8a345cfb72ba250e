"""Helpers that keywork's tests import (a conftest holds fixtures only)."""

import datetime as dt

from django.utils import timezone


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)

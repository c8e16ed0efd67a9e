"""Today's date, in one place so that tests can move it."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()

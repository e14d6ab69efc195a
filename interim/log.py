"""Logging filters of the project (settings.LOGGING)."""

import logging

from django.core.exceptions import PermissionDenied


def permission_denied_on_one_line(record: logging.LogRecord) -> bool:
    """A 403 is an answer, not a fault: its warning keeps the reason and drops the traceback."""
    if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
        reason = str(record.exc_info[1])
        if reason:
            record.msg = f"{record.getMessage()} ({reason})"
            record.args = ()
        record.exc_info = None
        record.exc_text = None
    return True

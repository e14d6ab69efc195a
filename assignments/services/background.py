"""Handing work to the Celery worker, after the commit that made it necessary.

This is the one place services reach for tasks (which call services back): the only
import loop of the app, kept inside `enqueue`.
"""

from __future__ import annotations

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: object) -> bool:
    """Publish the task now. A broker that is down fails fast and is logged: the request
    that triggered it still succeeds, and a periodic sweep catches the work up."""
    from .. import tasks  # services ⇄ tasks: the one sanctioned loop

    task = getattr(tasks, task_name)
    try:
        task.delay(*args)
    except BrokerUnavailable:
        logger.warning("Broker unavailable: %s%s not enqueued; a sweep will catch up.", task, args)
        return False
    return True


def enqueue_on_commit(task_name: str, *args: object) -> None:
    """Publish the task once the current transaction commits (never for a rollback)."""
    transaction.on_commit(lambda: enqueue(task_name, *args))


def enqueue_emails() -> None:
    """E-mail what was just recorded, in a task of its own: a failing mail server delays
    e-mails, never the work that recorded them."""
    enqueue_on_commit("send_pending_emails")

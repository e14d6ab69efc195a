"""Keeping cached pages true: the services say what they changed, and the versions that
name the cached copies move on after commit.

A director's dashboard is cached under its firm's `dashboard_version`, a column in the
database: bumping it makes every process's copy stale at once — the gunicorn workers',
the Celery worker's, whatever the cache backend. The unread count of a person is cached
under their id and deleted when it changes. Both bumps run after commit (and only if it
commits); a bump that fails is logged and the copy expires on its own
(DASHBOARD_CACHE_SECONDS, UNREAD_CACHE_SECONDS): a cache never makes a write fail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_save

from partners.models import ProviderFirm

from ..models import Assignment
from ..selectors.notifications import unread_key

logger = logging.getLogger(__name__)


def dashboards_changed(
    *, firms: Iterable[int | None] = (), assignments: Iterable[int | None] = ()
) -> None:
    """The dashboards of these firms, or of the firms of these assignments, have changed."""
    firm_ids = {pk for pk in firms if pk is not None}
    assignment_ids = {pk for pk in assignments if pk is not None}
    if not firm_ids and not assignment_ids:
        return

    def bump() -> None:
        scope = Q(pk__in=firm_ids)
        if assignment_ids:
            scope |= Q(pk__in=Assignment.objects.filter(pk__in=assignment_ids).values("firm_id"))
        ProviderFirm.objects.filter(scope).update(dashboard_version=F("dashboard_version") + 1)

    transaction.on_commit(bump, robust=True)


def dashboard_changed(assignment: Assignment) -> None:
    """One assignment's change shows on its firm's dashboard."""
    dashboards_changed(firms=[assignment.firm_id])


def unread_changed(user_ids: Iterable[int | None]) -> None:
    """These people's unread counts have changed."""
    keys = [unread_key(pk) for pk in {pk for pk in user_ids if pk is not None}]
    if not keys:
        return

    def forget() -> None:
        try:
            cache.delete_many(keys)
        except Exception:  # the cache is down: the counts expire on their own
            logger.warning("Could not clear %d cached unread count(s).", len(keys), exc_info=True)

    # Now, so that this request's own next read counts afresh, and after commit, since a
    # read meanwhile by another request may have cached the count from before the change.
    forget()
    transaction.on_commit(forget, robust=True)


def dashboards_changed_everywhere(**_signal: object) -> None:
    """Every firm's dashboard may have changed (an admin's edit, which can touch anything
    a dashboard shows, names included)."""

    def bump() -> None:
        ProviderFirm.objects.update(dashboard_version=F("dashboard_version") + 1)

    transaction.on_commit(bump, robust=True)


# Every change made in Django admin (to any model: an organisation renamed, a record
# corrected) leaves a log entry: it makes every dashboard current again. Connected when
# the services are imported, as every process that serves or changes anything does.
post_save.connect(
    dashboards_changed_everywhere, sender="admin.LogEntry", dispatch_uid="dashboards_admin_change"
)

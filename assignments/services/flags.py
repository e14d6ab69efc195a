"""Flags: the provider's early warnings, raised once per key, resolved by the director."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import access
from ..exceptions import Refused
from ..models import Assignment, Flag, Notification
from .common import require
from .freshness import dashboards_changed
from .notifications import language_of, notifications_record

Found = dict[str, int]


def flags_raise(flags: Iterable[Flag | None]) -> int:
    """Insert the flags whose key is not recorded yet; return how many were new. A resolved
    flag is never raised again for the same key (the key names the thing and the period)."""
    rows = list({f.key: f for f in flags if f is not None}.values())
    if not rows:
        return 0
    known = set(Flag.objects.filter(key__in=[f.key for f in rows]).values_list("key", flat=True))
    new = [f for f in rows if f.key not in known]
    flags_word(new)
    # One statement whatever the number (SQLite splits it by its limit on parameters).
    Flag.objects.bulk_create(new, ignore_conflicts=True)
    dashboards_changed(assignments=[f.assignment_id for f in new])
    return len(new)


def flags_word(flags: list[Flag]) -> None:
    """Word each flag's lazy message once, in the language of its assignment's director (the
    one accountable for it; other directors of the firm read the same words), or the
    installation's (their languages in one query)."""
    if not flags:
        return
    languages = dict(
        Assignment.objects.filter(pk__in={f.assignment_id for f in flags}).values_list(
            "pk", "director__language"
        )
    )
    for f in flags:
        with translation.override(language_of(languages.get(f.assignment_id))):
            f.message = str(f.message)


def record(
    *, flags: Iterable[Flag | None] = (), notes: Iterable[Notification | None] = ()
) -> Found:
    """Raise the flags and record the notifications not recorded yet, in one transaction;
    a sweep costs the same few queries for ten rows or ten thousand."""
    with transaction.atomic():
        return {"flags": flags_raise(flags), "notifications": notifications_record(notes)}


def merge(*counts: Found) -> Found:
    total = {"flags": 0, "notifications": 0}
    for count in counts:
        for name in total:
            total[name] += count.get(name, 0)
    return total


def flag_resolve(*, flag: Flag, user: Any, comment: str) -> Flag:
    """The director (or an admin) closes a flag, saying how."""
    reason = access.flag_refusal(flag.assignment, user, flag.kind)
    if reason is not None:
        raise reason
    _resolved, refused = flags_resolve(
        flags=Flag.objects.filter(pk=flag.pk), user=user, comment=comment
    )
    if refused:
        raise refused[0][1]
    flag.refresh_from_db()
    return flag


def flags_resolve(
    *, flags: QuerySet[Flag], user: Any, comment: str
) -> tuple[int, list[tuple[Flag, Exception]]]:
    """Resolve flags (one, or an admin's selection): locked and checked together, resolved
    in one update. Returns how many were resolved, and each one refused with the reason."""
    comment = (comment or "").strip()
    require(comment, _("Say how the flag was resolved."))
    refused: list[tuple[Flag, Exception]] = []
    with transaction.atomic():
        locked = list(
            flags.select_for_update(of=("self",))
            .select_related("assignment__client")
            .order_by("pk")
        )
        allowed = []
        for flag in locked:
            reason = access.flag_refusal(flag.assignment, user, flag.kind)
            if reason is None and flag.resolved_at is not None:
                reason = Refused(_("This flag is already resolved."))
            if reason is None:
                allowed.append(flag)
            else:
                refused.append((flag, reason))
        Flag.objects.filter(pk__in=[f.pk for f in allowed]).update(
            resolved_at=timezone.now(), resolved_by=user, resolution=comment
        )
        dashboards_changed(assignments=[f.assignment_id for f in allowed])
    return len(allowed), refused


def flags_close_with(*, assignment: Assignment, user: Any, why: str) -> int:
    """Closing an assignment closes its flags: nothing is left to warn about."""
    return Flag.objects.filter(assignment=assignment, resolved_at=None).update(
        resolved_at=timezone.now(),
        resolved_by=user if user and user.is_authenticated else None,
        resolution=why,
    )

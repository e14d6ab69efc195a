"""Notifications: recorded once per (recipient, key), shown in-app, e-mailed at most once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ..models import Assignment, Notification


def assignment_url(assignment_id: int) -> str:
    try:
        return reverse("assignments:detail", args=[assignment_id])
    except NoReverseMatch:
        return f"/assignments/{assignment_id}/"


ROLE_REASONS = {
    "director": "You are the director of “{title}”.",
    "manager": "You are the interim manager on “{title}”.",
    "client": "You are the client contact for “{title}”.",
}


def notification_for(
    assignment: Assignment, role: str, key: str, subject: str, body: str
) -> Notification | None:
    """An unsaved notification to the person in `role` on the assignment (None if nobody
    holds it yet), saying why they get it and linking to the assignment."""
    recipient_id = {
        "director": assignment.director_id,
        "manager": assignment.interim_manager_id,
        "client": assignment.client_contact_id,
    }[role]
    if recipient_id is None:
        return None
    return Notification(
        recipient_id=recipient_id,
        assignment_id=assignment.pk,
        key=key,
        subject=subject[:200],
        body=body,
        reason=ROLE_REASONS[role].format(title=assignment.title)[:200],
        url=assignment_url(assignment.pk),
    )


def notifications_record(notes: Iterable[Notification | None]) -> int:
    """Insert the notifications not recorded yet; return how many were new.

    One query finds the keys already there and one inserts the rest, whatever the number;
    the unique constraint settles a race with a concurrent run (ignore_conflicts)."""
    rows = list({(n.recipient_id, n.key): n for n in notes if n is not None}.values())
    if not rows:
        return 0
    known = set(
        Notification.objects.filter(key__in={n.key for n in rows}).values_list(
            "recipient_id", "key"
        )
    )
    new = [n for n in rows if (n.recipient_id, n.key) not in known]
    Notification.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The templated message (plain text and HTML) for one notification."""
    context: dict[str, Any] = {
        "notification": notification,
        "recipient": notification.recipient,
        "link": settings.SITE_URL.rstrip("/") + (notification.url or "/"),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=f"[Interim] {notification.subject}",
        body=render_to_string("notifications/email.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def send_pending_emails(*, batch: int = 200) -> int:
    """E-mail the notifications not e-mailed yet, each at most once.

    A batch is claimed (emailed_at set, committed) before it is sent, and whatever could
    not be sent is released for the next run; a worker that dies mid-send may lose an
    e-mail (the in-app notification stays) but never sends one twice."""
    cutoff = timezone.now() - timedelta(hours=settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS)
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(emailed_at__isnull=True, created_at__gte=cutoff)
                .select_related("recipient")
                .order_by("created_at", "id")[:batch]
            )
            if not rows:
                return sent
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
                emailed_at=timezone.now()
            )
        with get_connection() as connection:
            for position, notification in enumerate(rows):
                try:
                    connection.send_messages([notification_email(notification)])
                except Exception:
                    Notification.objects.filter(pk__in=[n.pk for n in rows[position:]]).update(
                        emailed_at=None
                    )
                    raise
                sent += 1


def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    """The recipient has seen it."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    return Notification.objects.filter(recipient_id=user.pk, read_at=None).update(
        read_at=timezone.now()
    )

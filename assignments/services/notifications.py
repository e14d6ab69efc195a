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

from ..constants import DEFAULT_DELIVERY, Delivery, NotificationKind
from ..exceptions import Refused
from ..models import Assignment, Notification, NotificationPreference


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
    assignment: Assignment,
    role: str,
    key: str,
    subject: str,
    body: str,
    *,
    anchor: str = "",
    url: str = "",
    kind: str = NotificationKind.REMINDER,
) -> Notification | None:
    """An unsaved notification to the person in `role` on the assignment (None if nobody
    holds it yet), saying why they get it and linking to the place to act: `url`, or the
    assignment's page at the section `anchor`."""
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
        url=url or assignment_url(assignment.pk) + (f"#{anchor}" if anchor else ""),
        kind=kind,
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
    deliveries_apply(new)
    Notification.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def deliveries_apply(notes: list[Notification]) -> None:
    """Set how each notification reaches its recipient, from their choices (one query)."""
    if not notes:
        return
    chosen = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(
            user_id__in={n.recipient_id for n in notes}, kind__in={n.kind for n in notes}
        ).values_list("user_id", "kind", "delivery")
    }
    for n in notes:
        n.delivery = chosen.get(
            (n.recipient_id, n.kind), DEFAULT_DELIVERY[NotificationKind(n.kind)]
        )


def preferences_of(user: Any) -> dict[str, str]:
    """The user's delivery for every kind: their choice, or the default."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "delivery")
    )
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NotificationKind}


def preferences_update(*, user: Any, choices: dict[str, str]) -> dict[str, str]:
    """Record the user's choice of delivery per kind (only for kinds and deliveries known)."""
    unknown = {k for k in choices if k not in NotificationKind.values} | {
        v for v in choices.values() if v not in Delivery.values
    }
    if unknown:
        raise Refused(f"Unknown notification setting(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        for kind, delivery in choices.items():
            NotificationPreference.objects.update_or_create(
                user_id=user.pk, kind=kind, defaults={"delivery": delivery}
            )
    return preferences_of(user)


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
                .filter(
                    emailed_at__isnull=True, delivery=Delivery.IMMEDIATE, created_at__gte=cutoff
                )
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


def digest_email(recipient: Any, notes: list[Notification]) -> EmailMultiAlternatives:
    """One message with everything a person chose to receive as a daily digest."""
    context: dict[str, Any] = {
        "recipient": recipient,
        "notifications": notes,
        "site": settings.SITE_URL.rstrip("/"),
        "settings_link": settings.SITE_URL.rstrip("/") + reverse("notifications:settings"),
    }
    message = EmailMultiAlternatives(
        subject=f"[Interim] Your daily digest: {len(notes)} update(s)",
        body=render_to_string("notifications/digest.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("notifications/digest.html", context), "text/html")
    return message


def send_digests(*, max_age_days: int = 7) -> int:
    """E-mail each person one digest of their digest notifications not e-mailed yet; returns
    how many digests were sent. Claimed before sending like `send_pending_emails`, so a
    second run (or a duplicated beat) sends nothing twice."""
    cutoff = timezone.now() - timedelta(days=max_age_days)
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(emailed_at__isnull=True, delivery=Delivery.DIGEST, created_at__gte=cutoff)
            .select_related("recipient", "assignment")
            .order_by("recipient_id", "created_at", "id")
        )
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    by_recipient: dict[int, list[Notification]] = {}
    for n in rows:
        by_recipient.setdefault(n.recipient_id, []).append(n)
    sent = 0
    with get_connection() as connection:
        for notes in by_recipient.values():
            try:
                connection.send_messages([digest_email(notes[0].recipient, notes)])
            except Exception:
                unsent = [n.pk for group in list(by_recipient.values())[sent:] for n in group]
                Notification.objects.filter(pk__in=unsent).update(emailed_at=None)
                raise
            sent += 1
    return sent


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

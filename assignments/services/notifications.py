"""Notifications: recorded once per (recipient, key), shown in-app, e-mailed at most once."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from partners.validators import one_line

from .. import access
from ..constants import DEFAULT_DELIVERY, Delivery, NotificationKind
from ..exceptions import Refused
from ..models import Assignment, Notification, NotificationPreference
from .freshness import unread_changed

logger = logging.getLogger(__name__)

# The first retry of a message that failed to send waits this long, each next one twice as
# long (5, 10, 20, 40 minutes): a refused message is seldom accepted a minute later.
EMAIL_RETRY_DELAY = timedelta(minutes=5)


def assignment_url(assignment_id: int) -> str:
    try:
        return reverse("assignments:detail", args=[assignment_id])
    except NoReverseMatch:
        return f"/assignments/{assignment_id}/"


# ---- Wording in the recipient's language ------------------------------------------------
# A notification is written when something happens, by whoever did it, and read by people
# who may speak another language. Its texts are built lazily (a sentence with its values)
# and turned into words once per recipient, in the recipient's language, when recorded.


def _worded(template: str | Promise, params: dict[str, Any]) -> str:
    # `%` on a lazy sentence translates it first (and picks the plural form by its count).
    return template % params if params else str(template)


def _joined(separator: str | Promise, parts: tuple[Any, ...]) -> str:
    return str(separator).join(str(part) for part in parts)


_said = lazy(_worded, str)
_joined_lazy = lazy(_joined, str)
_day = lazy(date_format, str)


def said(template: str | Promise, **params: Any) -> str:
    """`template` (a lazily translated sentence with %(name)s placeholders) with its values,
    translated and filled in only when read, in the language active then; values may be
    lazy themselves (a date, another sentence). Typed as the str it stands for."""
    return _said(template, params)


def joined(separator: str | Promise, *parts: Any) -> str:
    """The parts (lazy or not) joined when read."""
    return _joined_lazy(separator, parts)


def day(value: Any, fmt: str = "d F Y") -> str:
    """A date written in the reader's language (month and weekday names), when read."""
    return _day(value, fmt)


def language_of(language: str | None) -> str:
    """A person's language, or the installation's when they chose none."""
    return language or settings.LANGUAGE_CODE


def notifications_word(notes: list[Notification]) -> None:
    """Turn each notification's lazy texts into words in its recipient's language (the
    recipients' languages in one query)."""
    if not notes:
        return
    languages = dict(
        get_user_model()
        .objects.filter(pk__in={n.recipient_id for n in notes})
        .values_list("pk", "language")
    )
    for n in notes:
        with translation.override(language_of(languages.get(n.recipient_id))):
            n.subject = str(n.subject)[:200]
            n.body = str(n.body)
            n.reason = str(n.reason)[:200]


ROLE_REASONS = {
    "director": _lazy("You are the director of “%(title)s”."),
    "manager": _lazy("You are the interim manager on “%(title)s”."),
    "client": _lazy("You are the client contact for “%(title)s”."),
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
    assignment's page at the section `anchor`. The texts may be lazy: they are worded in
    the recipient's language when recorded."""
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
        subject=subject,
        body=body,
        reason=said(ROLE_REASONS[role], title=assignment.title),
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
    notifications_word(new)
    deliveries_apply(new)
    # One statement whatever the number (SQLite splits it by its limit on parameters).
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    unread_changed(n.recipient_id for n in new)
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
        raise Refused(
            _("Unknown notification setting(s): %(settings)s.")
            % {"settings": ", ".join(sorted(unknown))}
        )
    # One upsert for every kind, not a read and a write per kind.
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user_id=user.pk, kind=k, delivery=d) for k, d in choices.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery"],
    )
    return preferences_of(user)


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The templated message (plain text and HTML) for one notification, in the
    recipient's language."""
    with translation.override(language_of(notification.recipient.language)):
        return _notification_email(notification)


def _notification_email(notification: Notification) -> EmailMultiAlternatives:
    context: dict[str, Any] = {
        "notification": notification,
        "recipient": notification.recipient,
        "link": settings.SITE_URL.rstrip("/") + (notification.url or "/"),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        # A line break in a subject would start a new header: Django refuses to send it.
        subject=one_line(f"[Interim] {notification.subject}"),
        body=render_to_string("notifications/email.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def email_due(now: datetime) -> Q:
    """The notifications whose e-mail is to be sent now: not sent, not given up, and past
    the back-off of their last failure."""
    return Q(
        emailed_at__isnull=True,
        email_attempts__lt=settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS,
    ) & (Q(email_retry_at__isnull=True) | Q(email_retry_at__lte=now))


def emails_to_send() -> QuerySet[Notification]:
    """The notifications to e-mail now, one by one: due, immediate, and young enough."""
    cutoff = timezone.now() - timedelta(hours=settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS)
    return Notification.objects.filter(
        email_due(timezone.now()), delivery=Delivery.IMMEDIATE, created_at__gte=cutoff
    )


def emails_waiting() -> bool:
    """Whether e-mails are due now (what `send_pending_emails` would take)."""
    return emails_to_send().exists()


def connection_lost(error: BaseException) -> bool:
    """Whether `error` says the mail server is out of reach (nothing wrong with the message):
    every message of the batch would fail alike, so none of them is charged an attempt."""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(error, smtplib.SMTPException):  # refused sender, recipient or data
        return False
    return isinstance(error, OSError)  # refused connection, timeout, unknown host


def emails_release(notes: Iterable[Notification]) -> None:
    """Give claimed notifications back to the queue as they were before the claim: not
    sent, with the retry time of their last failure (if any)."""
    by_retry: dict[datetime | None, list[int]] = {}
    for n in notes:
        by_retry.setdefault(n.email_retry_at, []).append(n.pk)
    for retry_at, pks in by_retry.items():
        Notification.objects.filter(pk__in=pks).update(emailed_at=None, email_retry_at=retry_at)


def emails_mark_failed(notes: Iterable[Notification], error: BaseException) -> None:
    """Record a failed attempt with its reason; retry later with back-off, or give up after
    NOTIFICATION_EMAIL_MAX_ATTEMPTS attempts in all."""
    now = timezone.now()
    reason = f"{type(error).__name__}: {error}"[:2000]
    for n in notes:
        n.emailed_at = None
        n.email_attempts += 1
        n.email_error = reason
        n.email_failed_at = now
        n.email_retry_at = (
            now + EMAIL_RETRY_DELAY * 2 ** (n.email_attempts - 1)
            if n.email_attempts < settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS
            else None
        )
        n.save(
            update_fields=[
                "emailed_at",
                "email_attempts",
                "email_error",
                "email_failed_at",
                "email_retry_at",
            ]
        )
        logger.warning(
            "E-mail of notification %s failed (attempt %s): %s", n.pk, n.email_attempts, reason
        )


def emails_mark_recovered(notes: Iterable[Notification]) -> None:
    """Sent: no lease or retry time any more, and a notification that had failed is not a
    failed e-mail any more."""
    pks = [n.pk for n in notes]
    if pks:
        Notification.objects.filter(pk__in=pks).update(email_failed_at=None, email_retry_at=None)


def send_pending_emails(*, batch: int = 200, batches: int | None = None) -> int:
    """E-mail the notifications not e-mailed yet, each at most once: all of them, or at
    most `batches` batches of `batch`.

    A batch is leased (its retry time pushed NOTIFICATION_EMAIL_LEASE ahead, committed), so
    that no other run takes it; each message is then marked sent (emailed_at, committed)
    just before it goes. A worker that dies mid-batch loses at most the message it was
    sending (the in-app notification stays), never sends one twice, and leaves the rest of
    the batch to the first run after the lease. A message that fails is marked failed with
    the reason and retried later, and the rest of the batch is sent; a mail server out of
    reach releases what was not sent for the next run and raises (the task retries)."""
    sent = 0
    taken = 0
    while batches is None or taken < batches:
        taken += 1
        with transaction.atomic():
            rows = list(
                emails_to_send()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .order_by("created_at", "id")[:batch]
            )
            if not rows:
                return sent
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
                email_retry_at=timezone.now() + settings.NOTIFICATION_EMAIL_LEASE
            )
        delivered: list[Notification] = []
        started: list[Notification] = []
        try:
            with get_connection() as connection:
                for notification in rows:
                    message = notification_email(notification)
                    Notification.objects.filter(pk=notification.pk).update(
                        emailed_at=timezone.now()
                    )
                    started.append(notification)
                    try:
                        connection.send_messages([message])
                    except Exception as error:
                        if connection_lost(error):
                            raise
                        emails_mark_failed([notification], error)
                    else:
                        delivered.append(notification)
                        sent += 1
        except Exception:
            # Out of reach (on opening or mid-batch): what was not delivered goes back to
            # the queue as it was, and no message is charged an attempt for it.
            done = {n.pk for n in delivered}
            emails_release(n for n in rows if n.pk not in done)
            raise
        finally:
            emails_mark_recovered(delivered)
    return sent


def digest_email(recipient: Any, notes: list[Notification]) -> EmailMultiAlternatives:
    """One message with everything a person chose to receive as a daily digest, in their
    language."""
    with translation.override(language_of(recipient.language)):
        return _digest_email(recipient, notes)


def _digest_email(recipient: Any, notes: list[Notification]) -> EmailMultiAlternatives:
    context: dict[str, Any] = {
        "recipient": recipient,
        "notifications": notes,
        "site": settings.SITE_URL.rstrip("/"),
        "settings_link": settings.SITE_URL.rstrip("/") + reverse("notifications:settings"),
    }
    message = EmailMultiAlternatives(
        subject="[Interim] "
        + ngettext(
            "Your daily digest: %(count)s update",
            "Your daily digest: %(count)s updates",
            len(notes),
        )
        % {"count": len(notes)},
        body=render_to_string("notifications/digest.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("notifications/digest.html", context), "text/html")
    return message


# A digest gathers at most this many days of notifications.
DIGEST_MAX_AGE_DAYS = 7


def send_digests(*, max_age_days: int = DIGEST_MAX_AGE_DAYS) -> int:
    """E-mail each person one digest of their digest notifications not e-mailed yet; returns
    how many digests were sent. Claimed before sending like `send_pending_emails`, so a
    second run (or a duplicated beat) sends nothing twice; a digest that fails is marked
    failed on its notifications and retried later, and the other people's are sent."""
    cutoff = timezone.now() - timedelta(days=max_age_days)
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(email_due(timezone.now()), delivery=Delivery.DIGEST, created_at__gte=cutoff)
            .select_related("recipient", "assignment")
            .order_by("recipient_id", "created_at", "id")
        )
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    by_recipient: dict[int, list[Notification]] = {}
    for n in rows:
        by_recipient.setdefault(n.recipient_id, []).append(n)
    delivered: list[Notification] = []
    sent = 0
    try:
        with get_connection() as connection:
            for notes in by_recipient.values():
                try:
                    connection.send_messages([digest_email(notes[0].recipient, notes)])
                except Exception as error:
                    if connection_lost(error):
                        raise
                    emails_mark_failed(notes, error)
                else:
                    delivered.extend(notes)
                    sent += 1
    except Exception:
        done = {n.pk for n in delivered}
        emails_release(n for n in rows if n.pk not in done)
        raise
    finally:
        emails_mark_recovered(delivered)
    return sent


def notifications_email_retry(*, notifications: QuerySet[Notification], user: Any) -> int:
    """An admin asks for the e-mail of these notifications to be tried again at the next
    run, with a fresh count of attempts; returns how many will be (those not sent yet and
    still young enough to be sent at all)."""
    if not access.is_admin(user):
        raise PermissionDenied(_("Only an admin may retry e-mails."))
    now = timezone.now()
    recent = Q(
        delivery=Delivery.IMMEDIATE,
        created_at__gte=now - timedelta(hours=settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS),
    ) | Q(delivery=Delivery.DIGEST, created_at__gte=now - timedelta(days=DIGEST_MAX_AGE_DAYS))
    return notifications.filter(recent, emailed_at__isnull=True).update(
        email_attempts=0, email_retry_at=None
    )


def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    """The recipient has seen it."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        unread_changed([user.pk])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    unread_changed([user.pk])
    return Notification.objects.filter(recipient_id=user.pk, read_at=None).update(
        read_at=timezone.now()
    )

"""The close-out: opened when an assignment ends with something to review, each party's
part given once, never changed, within the window (CLOSEOUT_WINDOW_DAYS); reminders of
the parts still missing, once per CLOSEOUT_REMINDER_DAYS.

The client's evaluation and the manager's go to the provider only: the director is told
when one arrives, never the other party.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from .. import access
from ..access import CloseoutPart
from ..constants import RATING_MAX, RATING_MIN, Dimension, NotificationKind, Party
from ..models import (
    Achievement,
    ActionPlan,
    Assignment,
    AuditReport,
    Cause,
    ClientEvaluation,
    Closeout,
    CloseoutDimension,
    CloseoutMilestone,
    DriftReading,
    ManagerEvaluation,
    Milestone,
)
from . import events
from .common import require
from .flags import Found, record
from .freshness import dashboard_changed
from .notifications import day, notification_for, said

# Who gives each part, as `notification_for` names the role.
PART_ROLES = {
    CloseoutPart.REVIEW: "director",
    CloseoutPart.CLIENT: "client",
    CloseoutPart.MANAGER: "manager",
}
PART_PARTIES = {part: party for party, part in CloseoutPart.BY_PARTY.items()}

AWAITED = {
    CloseoutPart.REVIEW: (
        _lazy("Your close-out review is awaited – %(title)s"),
        _lazy(
            "“%(title)s” has ended. Review it dimension by dimension against the brief, the "
            "audit and the last confirmed plan, give each milestone its final status and, if "
            "it went wrong, the cause. The close-out takes your review until %(closes_on)s."
        ),
    ),
    CloseoutPart.CLIENT: (
        _lazy("Your evaluation of the interim manager is awaited – %(title)s"),
        _lazy(
            "“%(title)s” has ended. Tell the provider how the interim manager delivered and "
            "behaved, and whether you would engage them again: your evaluation is read by the "
            "provider only. It is taken until %(closes_on)s."
        ),
    ),
    CloseoutPart.MANAGER: (
        _lazy("Your evaluation of the conditions is awaited – %(title)s"),
        _lazy(
            "“%(title)s” has ended. Tell the provider how far the client kept its commitments "
            "and how the provider supported you: your evaluation is read by the provider only. "
            "It is taken until %(closes_on)s."
        ),
    ),
}


def window_open(closeout: Closeout, today: date | None = None) -> bool:
    """Whether the close-out still takes parts (its last day included)."""
    return (today or timezone.localdate()) <= closeout.closes_on


def last_confirmed_plan(assignment: Assignment) -> ActionPlan | None:
    """The plan the assignment last ran on (None if it never had one confirmed)."""
    return ActionPlan.objects.last_confirmed(assignment)


def drift_snapshot(assignment: Assignment) -> tuple[int | None, int | None, str]:
    """The drift the accepted audit found, the last reading, and the history in a
    sentence ("Audit 42; 3 meetings; lowest 18, highest 47; 25 at close.")."""
    readings = list(
        DriftReading.objects.filter(assignment=assignment)
        .select_related("audit_report")
        .order_by("recorded_at", "id")
    )
    if not readings:
        return None, None, _("No gap drift was recorded.")
    audit = next(
        (
            r.score
            for r in reversed(readings)
            if r.audit_report is not None and r.audit_report.status == AuditReport.Status.ACCEPTED
        ),
        None,
    )
    # The history is the accepted audit's reading and the meetings' (a returned report's
    # reading was never the assignment's).
    history = [r for r in readings if r.meeting_id is not None]
    scores = ([audit] if audit is not None else []) + [r.score for r in history]
    last = scores[-1] if scores else readings[-1].score
    parts = []
    if audit is not None:
        parts.append(_("Audit %(score)s") % {"score": audit})
    parts.append(
        ngettext("%(count)s meeting", "%(count)s meetings", len(history)) % {"count": len(history)}
    )
    if len(scores) > 1:
        parts.append(
            _("lowest %(lowest)s, highest %(highest)s")
            % {"lowest": min(scores), "highest": max(scores)}
        )
    parts.append(_("%(score)s at close") % {"score": last})
    return audit, last, "; ".join(parts) + "."


def closeout_open(assignment: Assignment, today: date | None = None) -> Closeout:
    """The assignment has ended with something to review: open its close-out for the
    window, with the drift history snapshotted, and ask each party for their part."""
    today = today or timezone.localdate()
    at_audit, at_close, summary = drift_snapshot(assignment)
    closeout, created = Closeout.objects.get_or_create(
        assignment=assignment,
        defaults={
            "closes_on": today + timedelta(days=settings.CLOSEOUT_WINDOW_DAYS),
            "drift_at_audit": at_audit,
            "drift_at_close": at_close,
            "drift_summary": summary,
        },
    )
    if created:
        url = events.place(assignment, name="closeout")
        for part, (subject, body) in AWAITED.items():
            events.tell(
                assignment,
                [PART_PARTIES[part]],
                kind=NotificationKind.REMINDER,
                key=f"closeout-opened:{closeout.pk}:{part}",
                subject=said(subject, title=assignment.title),
                body=said(body, title=assignment.title, closes_on=day(closeout.closes_on)),
                url=url,
            )
        dashboard_changed(assignment)
    return closeout


def _locked(closeout: Closeout, user: Any, part: str, today: date | None) -> Closeout:
    """Lock the close-out's row and refuse unless `user` may give `part` now: two
    submissions of one part never both write."""
    locked = Closeout.objects.select_for_update().get(pk=closeout.pk)
    given = {
        CloseoutPart.REVIEW: lambda: locked.reviewed_at is not None,
        CloseoutPart.CLIENT: lambda: ClientEvaluation.objects.filter(closeout=locked).exists(),
        CloseoutPart.MANAGER: lambda: ManagerEvaluation.objects.filter(closeout=locked).exists(),
    }[part]
    refusal = access.closeout_refusal(
        closeout.assignment,
        user,
        part,
        given=given(),
        window_open=window_open(locked, today),
    )
    if refusal is not None:
        raise refusal
    return locked


def _choice(value: Any, choices: type[Achievement] | type[Cause], what: str) -> str:
    require(value in choices.values, _("Choose %(what)s.") % {"what": what})
    return str(value)


def _rating(value: Any, what: str) -> int:
    require(
        isinstance(value, int)
        and not isinstance(value, bool)
        and RATING_MIN <= value <= RATING_MAX,
        _("Rate %(what)s from %(min)s to %(max)s.")
        % {"what": what, "min": RATING_MIN, "max": RATING_MAX},
    )
    return int(value)


def _text(value: Any) -> str:
    return (value or "").strip()


def closeout_review_submit(
    *, closeout: Closeout, user: Any, data: Mapping[str, Any], today: date | None = None
) -> Closeout:
    """The director's review: each dimension achieved, partly or not (with a comment), each
    milestone of the last confirmed plan its final status, the review, and the cause when
    it went wrong. Given once; final.

    `data`: "dimensions" {dimension: (result, comment)}, "milestones" {milestone id:
    (status, comment)}, "review", "cause" (optional; "other" needs "cause_detail")."""
    a = closeout.assignment
    with transaction.atomic():
        locked = _locked(closeout, user, CloseoutPart.REVIEW, today)
        dimensions = data.get("dimensions") or {}
        rows = []
        for value, label in Dimension.choices:
            result, comment = dimensions.get(value) or ("", "")
            rows.append(
                CloseoutDimension(
                    closeout=locked,
                    dimension=value,
                    result=_choice(
                        result,
                        Achievement,
                        _("a result for %(dimension)s") % {"dimension": str(label).lower()},
                    ),
                    comment=_text(comment),
                )
            )
        plan = last_confirmed_plan(a)
        planned = list(Milestone.objects.filter(plan=plan)) if plan else []
        given = {int(k): v for k, v in (data.get("milestones") or {}).items()}
        finals = []
        for m in planned:
            status, comment = given.get(m.pk) or ("", "")
            finals.append(
                CloseoutMilestone(
                    closeout=locked,
                    milestone=m,
                    status=_choice(
                        status,
                        Achievement,
                        _("a final status for “%(milestone)s”") % {"milestone": m.title},
                    ),
                    comment=_text(comment),
                )
            )
        review = _text(data.get("review"))
        require(review, _("Write the overall review."))
        cause = _text(data.get("cause"))
        if cause:
            _choice(cause, Cause, _("a cause from the list"))
        detail = _text(data.get("cause_detail"))
        require(cause != Cause.OTHER or detail, _("Say in a few words what the other cause was."))
        CloseoutDimension.objects.bulk_create(rows)
        CloseoutMilestone.objects.bulk_create(finals)
        locked.review = review
        locked.cause = cause
        locked.cause_detail = detail
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.save(
            update_fields=["review", "cause", "cause_detail", "reviewed_by", "reviewed_at"]
        )
        dashboard_changed(a)
    return locked


def _evaluation_arrived(closeout: Closeout, user: Any, part: str) -> int:
    """Tell the director (never the other party) that an evaluation has arrived."""
    a = closeout.assignment
    return events.tell(
        a,
        [Party.DIRECTOR],
        kind=NotificationKind.LIFECYCLE,
        key=f"closeout-evaluation:{closeout.pk}:{part}",
        subject=said(
            _lazy("The client's evaluation of the manager has arrived – %(title)s")
            if part == CloseoutPart.CLIENT
            else _lazy("The manager's evaluation of the conditions has arrived – %(title)s"),
            title=a.title,
        ),
        body=said(
            _lazy(
                "The client gave their evaluation of “%(title)s”: read it on the close-out page."
            )
            if part == CloseoutPart.CLIENT
            else _lazy(
                "The interim manager gave their evaluation of “%(title)s”: read it on the "
                "close-out page."
            ),
            title=a.title,
        ),
        url=events.place(a, name="closeout"),
        exclude=[user.pk],
    )


def client_evaluation_submit(
    *, closeout: Closeout, user: Any, data: Mapping[str, Any], today: date | None = None
) -> ClientEvaluation:
    """The client's evaluation of the manager (delivery, posture, would engage again), for
    the provider's eyes only. Given once; final."""
    with transaction.atomic():
        locked = _locked(closeout, user, CloseoutPart.CLIENT, today)
        engage = data.get("would_engage_again")
        require(isinstance(engage, bool), _("Say whether you would engage this manager again."))
        assert isinstance(engage, bool)
        evaluation = ClientEvaluation.objects.create(
            closeout=locked,
            delivery=_rating(data.get("delivery"), _("the manager's delivery")),
            posture=_rating(data.get("posture"), _("the manager's posture")),
            would_engage_again=engage,
            comment=_text(data.get("comment")),
            by=user,
        )
        _evaluation_arrived(closeout, user, CloseoutPart.CLIENT)
        dashboard_changed(closeout.assignment)
    return evaluation


def manager_evaluation_submit(
    *, closeout: Closeout, user: Any, data: Mapping[str, Any], today: date | None = None
) -> ManagerEvaluation:
    """The manager's evaluation of the conditions (the client's commitments kept, the
    provider's support), for the provider's eyes only. Given once; final."""
    with transaction.atomic():
        locked = _locked(closeout, user, CloseoutPart.MANAGER, today)
        evaluation = ManagerEvaluation.objects.create(
            closeout=locked,
            commitments_kept=_rating(
                data.get("commitments_kept"), _("how far the client kept its commitments")
            ),
            provider_support=_rating(data.get("provider_support"), _("the provider's support")),
            comment=_text(data.get("comment")),
            by=user,
        )
        _evaluation_arrived(closeout, user, CloseoutPart.MANAGER)
        dashboard_changed(closeout.assignment)
    return evaluation


CLOSEOUT_SUBMIT = {
    CloseoutPart.REVIEW: closeout_review_submit,
    CloseoutPart.CLIENT: client_evaluation_submit,
    CloseoutPart.MANAGER: manager_evaluation_submit,
}

REMINDED = {
    CloseoutPart.REVIEW: (
        _lazy("Reminder: your close-out review – %(title)s"),
        _lazy(
            "Your review of “%(title)s” is still missing. The close-out takes it until "
            "%(closes_on)s."
        ),
    ),
    CloseoutPart.CLIENT: (
        _lazy("Reminder: your evaluation of the interim manager – %(title)s"),
        _lazy(
            "Your evaluation of the interim manager on “%(title)s” is still missing. The "
            "provider takes it until %(closes_on)s."
        ),
    ),
    CloseoutPart.MANAGER: (
        _lazy("Reminder: your evaluation of the conditions – %(title)s"),
        _lazy(
            "Your evaluation of the conditions of “%(title)s” is still missing. The provider "
            "takes it until %(closes_on)s."
        ),
    ),
}


def closeout_reminders_send(*, today: date | None = None) -> Found:
    """Remind each party whose part of an open close-out is missing, once per
    CLOSEOUT_REMINDER_DAYS after the opening (the opening's own notice is the first)."""
    today = today or timezone.localdate()
    every = max(1, settings.CLOSEOUT_REMINDER_DAYS)
    closeouts = (
        Closeout.objects.filter(closes_on__gte=today)
        .annotate(
            client_given=Exists(ClientEvaluation.objects.filter(closeout=OuterRef("pk"))),
            manager_given=Exists(ManagerEvaluation.objects.filter(closeout=OuterRef("pk"))),
        )
        .select_related("assignment")
        .order_by("closes_on", "id")
    )
    notes = []
    for c in closeouts:
        period = (today - timezone.localdate(c.opened_at)).days // every
        if period < 1:
            continue
        missing = {
            CloseoutPart.REVIEW: c.reviewed_at is None,
            CloseoutPart.CLIENT: not c.client_given,
            CloseoutPart.MANAGER: not c.manager_given,
        }
        a = c.assignment
        for part, (subject, body) in REMINDED.items():
            if missing[part]:
                notes.append(
                    notification_for(
                        a,
                        PART_ROLES[part],
                        f"closeout-reminder:{c.pk}:{part}:{period}",
                        said(subject, title=a.title),
                        said(body, title=a.title, closes_on=day(c.closes_on)),
                        url=events.place(a, name="closeout"),
                    )
                )
    return record(notes=notes)

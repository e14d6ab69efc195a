"""One service per transition of the lifecycle: lock, check, transition, save, record.

The graph, its guards and who may perform each transition are declared on the model
(`Assignment`'s `@transition`s); these services are the only callers of those methods.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from .. import access
from ..exceptions import AssignmentChanged
from ..models import Assignment, AuditReport, Candidacy, ProgressMeeting, TransitionRecord
from . import events
from .closeout import closeout_open
from .common import require
from .drift import audit_report_record_drift, drift_store_on_assignment
from .flags import flags_close_with
from .freshness import dashboard_changed
from .meetings import schedule_next_meeting


def _perform(
    assignment: Assignment,
    user: Any,
    name: str,
    *,
    comment: str = "",
    args: tuple[Any, ...] = (),
    check: Callable[[], None] | None = None,
) -> TransitionRecord:
    """Lock, check, transition, save and record. The only way an assignment's state moves."""
    method = getattr(assignment, name)
    try:
        with transaction.atomic():
            # The row lock serialises concurrent services; ConcurrentTransitionMixin then
            # refuses the save if the state the caller read is no longer the stored one.
            Assignment.objects.select_for_update().filter(pk=assignment.pk).exists()
            refusal = access.transition_refusal(assignment, name, user)
            if refusal is not None:
                raise refusal
            if check:
                check()
            from_state = assignment.state
            method(*args)
            assignment.save()
            record = TransitionRecord.objects.create(
                assignment=assignment,
                transition=name,
                from_state=from_state,
                to_state=assignment.state,
                by=user if user and user.is_authenticated else None,
                comment=comment or "",
            )
            dashboard_changed(assignment)
    except ConcurrentTransition as exc:
        assignment.refresh_from_db()
        raise AssignmentChanged() from exc
    except Exception:
        if assignment.pk:
            assignment.refresh_from_db()
        raise
    return record


def assignment_open_selection(
    *, assignment: Assignment, user: Any, comment: str = ""
) -> TransitionRecord:
    """The brief is complete: the director starts shortlisting managers."""
    return _perform(assignment, user, "open_selection", comment=comment)


def assignment_select_manager(
    *,
    assignment: Assignment,
    user: Any,
    candidacy: Candidacy | int | str | None,
    comment: str = "",
) -> TransitionRecord:
    """The client chooses a presented, vetted candidate at an agreed rate; the audit starts."""
    if isinstance(candidacy, int | str):
        candidacy = Candidacy.objects.filter(pk=candidacy, assignment=assignment).first()

    def check() -> None:
        require(
            candidacy is not None and candidacy.assignment_id == assignment.pk,
            _("Choose one of this assignment's candidates."),
        )
        assert candidacy is not None
        locked = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
        require(
            locked.status == Candidacy.Status.PRESENTED,
            _("%(manager)s has not been presented to the client.") % {"manager": locked.manager},
        )
        require(
            locked.vetting_complete,
            _("The vetting of %(manager)s is incomplete: %(names)s.")
            % {"manager": locked.manager, "names": ", ".join(locked.missing_vetting)},
        )
        require(
            locked.agreed_day_rate is not None,
            _("No day rate is agreed with %(manager)s yet.") % {"manager": locked.manager},
        )

    with transaction.atomic():
        record = _perform(
            assignment, user, "select_manager", comment=comment, args=(candidacy,), check=check
        )
        assert isinstance(candidacy, Candidacy)
        not_retained = list(
            assignment.candidacies.exclude(pk=candidacy.pk)
            .filter(status=Candidacy.Status.PRESENTED)
            .values_list("manager_id", flat=True)
        )
        assignment.candidacies.exclude(pk=candidacy.pk).filter(
            status__in=[Candidacy.Status.SHORTLISTED, Candidacy.Status.PRESENTED]
        ).update(status=Candidacy.Status.DECLINED)
        Candidacy.objects.filter(pk=candidacy.pk).update(status=Candidacy.Status.SELECTED)
        events.manager_chosen(candidacy, user, not_retained)
    return record


def assignment_accept_audit(
    *, assignment: Assignment, user: Any, report: AuditReport | int | str | None, comment: str = ""
) -> TransitionRecord:
    """The director accepts the submitted audit report; the action plan can be drafted."""
    if isinstance(report, int | str):
        report = AuditReport.objects.filter(pk=report, assignment=assignment).first()

    def check() -> None:
        require(
            report is not None and report.assignment_id == assignment.pk,
            _("Choose one of this assignment's audit reports."),
        )
        assert report is not None
        require(
            report.status == AuditReport.Status.SUBMITTED,
            _("Audit report v%(version)s is %(status)s, not submitted.")
            % {"version": report.version, "status": report.get_status_display().lower()},
        )
        # Normally stored by the background task on submission; computing it here too
        # makes acceptance independent of whether the task has run yet.
        audit_report_record_drift(report=report)

    with transaction.atomic():
        record = _perform(
            assignment, user, "accept_audit", comment=comment, args=(report,), check=check
        )
        assert isinstance(report, AuditReport)
        AuditReport.objects.filter(pk=report.pk).update(
            status=AuditReport.Status.ACCEPTED,
            reviewed_at=timezone.now(),
            reviewed_by=user,
            review_comment=comment or "",
        )
        drift_store_on_assignment(report.reading)
        assignment.refresh_from_db(fields=["gap_drift", "gap_drift_at"])
        events.audit_accepted(report, user)
    return record


def assignment_start_progress(
    *, assignment: Assignment, user: Any, comment: str = "", today: date | None = None
) -> TransitionRecord:
    """The plan is confirmed by all three: the assignment runs and its first review is set."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = _perform(assignment, user, "start_progress", comment=comment, args=(today,))
        schedule_next_meeting(assignment, after=today)
        events.transition_performed(record, user)
    return record


def assignment_start_realignment(
    *, assignment: Assignment, user: Any, reason: str, comment: str = ""
) -> TransitionRecord:
    """The partner steps in to re-establish roles and resources; a revised plan is due."""
    reason = (reason or "").strip()

    def check() -> None:
        require(reason, _("Say why the assignment needs a realignment."))

    with transaction.atomic():
        record = _perform(
            assignment, user, "start_realignment", comment=comment, args=(reason,), check=check
        )
        events.transition_performed(record, user)
    return record


def assignment_resume_progress(
    *, assignment: Assignment, user: Any, comment: str = ""
) -> TransitionRecord:
    """The revised plan is confirmed by all three: progress resumes."""
    with transaction.atomic():
        record = _perform(assignment, user, "resume_progress", comment=comment)
        schedule_next_meeting(assignment, after=timezone.localdate())
        events.transition_performed(record, user)
    return record


def _close(assignment: Assignment, user: Any, why: str) -> None:
    """What closing an assignment ends: its scheduled meetings (kept, as cancelled) and
    its open flags."""
    assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).update(
        status=ProgressMeeting.Status.CANCELLED
    )
    flags_close_with(assignment=assignment, user=user, why=why)


def assignment_complete(
    *, assignment: Assignment, user: Any, outcome: str, comment: str = ""
) -> TransitionRecord:
    """The director closes the assignment with its outcome."""
    outcome = (outcome or "").strip()

    def check() -> None:
        require(outcome, _("Describe the outcome of the assignment to complete it."))

    with transaction.atomic():
        record = _perform(
            assignment, user, "complete", comment=comment, args=(outcome,), check=check
        )
        _close(assignment, user, _("Closed with the assignment (completed)."))
        events.transition_performed(record, user)
        closeout_open(assignment)
    return record


def assignment_cancel(
    *, assignment: Assignment, user: Any, reason: str, comment: str = ""
) -> TransitionRecord:
    """The director ends the assignment early, for a stated reason."""
    reason = (reason or "").strip()

    def check() -> None:
        require(reason, _("Give the reason for cancelling the assignment."))

    # Read before the transition moves it: a cancellation after the audit has an outcome
    # to review and a manager's work to evaluate.
    reviewable = assignment.state in access.CLOSEOUT_CANCELLED_FROM
    with transaction.atomic():
        record = _perform(assignment, user, "cancel", comment=comment, args=(reason,), check=check)
        _close(assignment, user, _("Closed with the assignment (cancelled)."))
        events.transition_performed(record, user)
        if reviewable:
            closeout_open(assignment)
    return record


TRANSITION_SERVICES: dict[str, Callable[..., TransitionRecord]] = {
    "open_selection": assignment_open_selection,
    "select_manager": assignment_select_manager,
    "accept_audit": assignment_accept_audit,
    "start_progress": assignment_start_progress,
    "start_realignment": assignment_start_realignment,
    "resume_progress": assignment_resume_progress,
    "complete": assignment_complete,
    "cancel": assignment_cancel,
}

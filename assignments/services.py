"""Every write that means something in an assignment's life. Views, tasks, admin and
commands call these; nothing else changes an assignment's state or its records."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from .drift import gap_drift
from .models import (
    RUNNING_STATES,
    ActionPlan,
    Assignment,
    AuditFinding,
    AuditReport,
    BriefItem,
    Candidacy,
    ClientCommitment,
    Dimension,
    DriftReading,
    Flag,
    MeetingRating,
    Milestone,
    NegotiationRound,
    Notification,
    Party,
    PlanConfirmation,
    ProgressMeeting,
    State,
    TransitionRecord,
    _director_or_admin,
    is_admin,
    parties_of,
)

logger = logging.getLogger(__name__)


class Refused(ValidationError):
    """A rule of the trade refuses this action; the message says which and why."""


class AssignmentChanged(Exception):
    """Someone changed the assignment between the user's read and this write."""

    message = "This assignment changed meanwhile: reload the page and try again."

    def __str__(self):
        return self.message


TRANSITION_PERMISSION_MESSAGES = {
    "open_selection": "Only a director of the assignment's firm may open the selection.",
    "select_manager": "Only the client (or a director of the firm) may select the manager.",
    "accept_audit": "Only a director of the assignment's firm may accept the audit report.",
    "start_progress": "Only a director of the assignment's firm may start the assignment.",
    "start_realignment": "Only a director of the assignment's firm may start a realignment.",
    "resume_progress": "Only a director of the assignment's firm may resume progress.",
    "complete": "Only a director of the assignment's firm may complete an assignment.",
    "cancel": "Only a director of the assignment's firm may cancel an assignment.",
}


def weights():
    return dict(settings.GAP_DRIFT_WEIGHTS)


def _require(condition, message):
    if not condition:
        raise Refused(message)


def require_director(assignment, user):
    if not _director_or_admin(assignment, user):
        raise PermissionDenied("Only a director of the assignment's firm may do this.")


def require_party(assignment, user, allowed, what):
    if is_admin(user):
        return
    if not set(parties_of(assignment, user)) & set(allowed):
        labels = " or ".join(str(Party(p).label).lower() for p in allowed)
        raise PermissionDenied(f"Only the {labels} may {what}.")


def _require_state(assignment, states, what):
    if assignment.state not in states:
        raise Refused(
            f"You cannot {what} while the assignment is in “{assignment.get_state_display()}”."
        )


# --- Transitions ------------------------------------------------------------------------


def transition_blockers(assignment, name):
    """The sentences saying why transition `name` cannot run now ([] when it can)."""
    method = getattr(assignment, name)
    meta = method._django_fsm
    if not meta.has_transition(assignment.state):
        return [
            f"“{name.replace('_', ' ').capitalize()}” is not possible while the assignment "
            f"is in “{assignment.get_state_display()}”."
        ]
    found = []
    for condition in meta.get_transition(assignment.state).conditions:
        message = condition.guard(assignment)
        if message:
            found.append(message)
    return found


def transition_allowed_for(assignment, name, user):
    method = getattr(assignment, name)
    meta = method._django_fsm
    return meta.has_transition(assignment.state) and meta.has_transition_perm(
        assignment, assignment.state, user
    )


def _perform(assignment, user, name, *, comment="", args=(), check=None):
    """Lock, check, transition, save and record. The only way an assignment's state moves."""
    method = getattr(assignment, name)
    meta = method._django_fsm
    try:
        with transaction.atomic():
            # The row lock serialises concurrent services; ConcurrentTransitionMixin then
            # refuses the save if the state the caller read is no longer the stored one.
            Assignment.objects.select_for_update().filter(pk=assignment.pk).exists()
            if meta.has_transition(assignment.state) and not meta.has_transition_perm(
                assignment, assignment.state, user
            ):
                raise PermissionDenied(TRANSITION_PERMISSION_MESSAGES[name])
            blockers = transition_blockers(assignment, name)
            if blockers:
                raise Refused(" ".join(blockers))
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
    except ConcurrentTransition as exc:
        assignment.refresh_from_db()
        raise AssignmentChanged() from exc
    except Exception:
        if assignment.pk:
            assignment.refresh_from_db()
        raise
    return record


def assignment_open_selection(*, assignment, user, comment=""):
    """The brief is complete: the director starts shortlisting managers."""
    return _perform(assignment, user, "open_selection", comment=comment)


def assignment_select_manager(*, assignment, user, candidacy, comment=""):
    """The client chooses a presented, vetted candidate at an agreed rate; the audit starts."""
    if isinstance(candidacy, int | str):
        candidacy = Candidacy.objects.filter(pk=candidacy, assignment=assignment).first()

    def check():
        _require(
            candidacy is not None and candidacy.assignment_id == assignment.pk,
            "Choose one of this assignment's candidates.",
        )
        locked = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
        _require(
            locked.status == Candidacy.Status.PRESENTED,
            f"{locked.manager} has not been presented to the client.",
        )
        _require(
            locked.vetting_complete,
            f"The vetting of {locked.manager} is incomplete: {', '.join(locked.missing_vetting)}.",
        )
        _require(
            locked.agreed_day_rate is not None,
            f"No day rate is agreed with {locked.manager} yet.",
        )

    with transaction.atomic():
        record = _perform(
            assignment, user, "select_manager", comment=comment, args=(candidacy,), check=check
        )
        assignment.candidacies.exclude(pk=candidacy.pk).filter(
            status__in=[Candidacy.Status.SHORTLISTED, Candidacy.Status.PRESENTED]
        ).update(status=Candidacy.Status.DECLINED)
        Candidacy.objects.filter(pk=candidacy.pk).update(status=Candidacy.Status.SELECTED)
    return record


def assignment_accept_audit(*, assignment, user, report, comment=""):
    """The director accepts the submitted audit report; the action plan can be drafted."""
    if isinstance(report, int | str):
        report = AuditReport.objects.filter(pk=report, assignment=assignment).first()

    def check():
        _require(
            report is not None and report.assignment_id == assignment.pk,
            "Choose one of this assignment's audit reports.",
        )
        _require(
            report.status == AuditReport.Status.SUBMITTED,
            f"Audit report v{report.version} is {report.get_status_display().lower()}, "
            "not submitted.",
        )

    def check_and_score():
        check()
        # Normally stored by the background task on submission; computing it here too
        # makes acceptance independent of whether the task has run yet.
        audit_report_record_drift(report=report)

    with transaction.atomic():
        record = _perform(
            assignment,
            user,
            "accept_audit",
            comment=comment,
            args=(report,),
            check=check_and_score,
        )
        AuditReport.objects.filter(pk=report.pk).update(
            status=AuditReport.Status.ACCEPTED,
            reviewed_at=timezone.now(),
            reviewed_by=user,
            review_comment=comment or "",
        )
    return record


def assignment_start_progress(*, assignment, user, comment="", today=None):
    """The plan is confirmed by all three: the assignment runs and its first review is set."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = _perform(assignment, user, "start_progress", comment=comment, args=(today,))
        _schedule_next_meeting(assignment, after=today)
    return record


def assignment_start_realignment(*, assignment, user, reason, comment=""):
    """The partner steps in to re-establish roles and resources; a revised plan is due."""
    reason = (reason or "").strip()

    def check():
        _require(reason, "Say why the assignment needs a realignment.")

    return _perform(
        assignment, user, "start_realignment", comment=comment, args=(reason,), check=check
    )


def assignment_resume_progress(*, assignment, user, comment=""):
    """The revised plan is confirmed by all three: progress resumes."""
    with transaction.atomic():
        record = _perform(assignment, user, "resume_progress", comment=comment)
        _schedule_next_meeting(assignment, after=timezone.localdate())
    return record


def assignment_complete(*, assignment, user, outcome, comment=""):
    """The director closes the assignment with its outcome."""
    outcome = (outcome or "").strip()

    def check():
        _require(outcome, "Describe the outcome of the assignment to complete it.")

    with transaction.atomic():
        record = _perform(
            assignment, user, "complete", comment=comment, args=(outcome,), check=check
        )
        assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).delete()
    return record


def assignment_cancel(*, assignment, user, reason, comment=""):
    """The director ends the assignment early, for a stated reason."""
    reason = (reason or "").strip()

    def check():
        _require(reason, "Give the reason for cancelling the assignment.")

    with transaction.atomic():
        record = _perform(assignment, user, "cancel", comment=comment, args=(reason,), check=check)
        assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).delete()
    return record


TRANSITION_SERVICES = {
    "open_selection": assignment_open_selection,
    "select_manager": assignment_select_manager,
    "accept_audit": assignment_accept_audit,
    "start_progress": assignment_start_progress,
    "start_realignment": assignment_start_realignment,
    "resume_progress": assignment_resume_progress,
    "complete": assignment_complete,
    "cancel": assignment_cancel,
}


# --- Assignment and brief ---------------------------------------------------------------


def assignment_create(
    *, user, firm, client, client_contact, title, summary="", director=None, cadence=None
):
    """A director records a new client request; the brief starts empty."""
    director = director or user
    director_profile = getattr(director, "director_profile", None)
    _require(director_profile is not None, f"{director} is not an assignment director.")
    _require(director_profile.firm_id == firm.pk, f"{director} is not a director of {firm}.")
    if not is_admin(user):
        own = getattr(user, "director_profile", None)
        if own is None or own.firm_id != firm.pk:
            raise PermissionDenied("Only a director of the firm may record its assignments.")
    contact = getattr(client_contact, "client_profile", None)
    _require(
        contact is not None and contact.organisation_id == client.pk,
        f"{client_contact} is not a contact of {client}.",
    )
    with transaction.atomic():
        assignment = Assignment.objects.create(
            title=title,
            summary=summary,
            firm=firm,
            client=client,
            director=director,
            client_contact=client_contact,
            review_cadence_days=cadence or settings.REVIEW_CADENCE_DAYS,
        )
        BriefItem.objects.bulk_create(
            BriefItem(assignment=assignment, dimension=d) for d in Dimension.values
        )
    return assignment


def brief_update(*, assignment, user, statements, summary=None):
    """Record what the client announced, per dimension."""
    require_director(assignment, user)
    _require_state(assignment, [State.BRIEF, State.SELECTION], "edit the brief")
    unknown = set(statements) - set(Dimension.values)
    _require(not unknown, f"Unknown dimension(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        for dimension, statement in statements.items():
            BriefItem.objects.update_or_create(
                assignment=assignment,
                dimension=dimension,
                defaults={"statement": (statement or "").strip()},
            )
        if summary is not None:
            assignment.summary = summary
            assignment.save(update_fields=["summary"])


# --- Selection ----------------------------------------------------------------------------


def candidacy_add(*, assignment, user, manager):
    """Shortlist a manager from the firm's pool for this assignment."""
    require_director(assignment, user)
    _require_state(assignment, [State.SELECTION], "shortlist candidates")
    profile = getattr(manager, "manager_profile", None)
    _require(profile is not None, f"{manager} is not an interim manager.")
    _require(
        profile.firms.filter(pk=assignment.firm_id).exists(),
        f"{manager} is not in {assignment.firm}'s pool.",
    )
    _require(
        not assignment.candidacies.filter(manager=manager).exists(),
        f"{manager} is already a candidate for this assignment.",
    )
    return Candidacy.objects.create(
        assignment=assignment,
        manager=manager,
        proposed_day_rate=profile.day_rate,
        currency=profile.currency,
    )


def candidacy_vet(*, candidacy, user, **fields):
    """Record the director's questioning of a candidate."""
    assignment = candidacy.assignment
    require_director(assignment, user)
    _require_state(assignment, [State.SELECTION], "vet candidates")
    _require(
        candidacy.status in (Candidacy.Status.SHORTLISTED, Candidacy.Status.PRESENTED),
        "Only a shortlisted or presented candidacy can be vetted.",
    )
    unknown = set(fields) - set(Candidacy.VETTING_EDITABLE)
    _require(not unknown, f"Unknown vetting field(s): {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(candidacy, name, value)
    candidacy.full_clean()
    candidacy.save()
    return candidacy


def candidacy_present(*, candidacy, user, justification=""):
    """Present a fully vetted candidate to the client; a low fit needs a justification."""
    assignment = candidacy.assignment
    require_director(assignment, user)
    _require_state(assignment, [State.SELECTION], "present candidates")
    _require(
        candidacy.status == Candidacy.Status.SHORTLISTED,
        f"{candidacy.manager} is {candidacy.get_status_display().lower()}, not shortlisted.",
    )
    missing = candidacy.missing_vetting
    _require(
        not missing, f"The vetting of {candidacy.manager} is incomplete: {', '.join(missing)}."
    )
    justification = (justification or "").strip()
    if candidacy.fit_rating < settings.LOW_FIT_RATING:
        _require(
            justification,
            f"{candidacy.manager}'s fit rating is {candidacy.fit_rating}/5: presenting a "
            "low-fit candidate needs a written justification.",
        )
    candidacy.status = Candidacy.Status.PRESENTED
    candidacy.presented_at = timezone.now()
    candidacy.low_fit_justification = justification
    candidacy.save(update_fields=["status", "presented_at", "low_fit_justification"])
    return candidacy


def negotiation_round_record(*, candidacy, user, offered_by, day_rate, note="", agreed=False):
    """Record one offer of the day-rate negotiation; `agreed` settles the rate."""
    assignment = candidacy.assignment
    require_director(assignment, user)
    _require_state(assignment, [State.SELECTION], "negotiate the day rate")
    _require(
        candidacy.status in (Candidacy.Status.SHORTLISTED, Candidacy.Status.PRESENTED),
        "The negotiation is closed for this candidacy.",
    )
    day_rate = Decimal(day_rate)
    _require(day_rate > 0, "A day rate must be positive.")
    _require(offered_by in NegotiationRound.Side.values, "Say who made the offer.")
    with transaction.atomic():
        Candidacy.objects.select_for_update().filter(pk=candidacy.pk).exists()
        number = candidacy.rounds.count() + 1
        negotiation = NegotiationRound.objects.create(
            candidacy=candidacy, number=number, offered_by=offered_by, day_rate=day_rate, note=note
        )
        if agreed:
            candidacy.agreed_day_rate = day_rate
            candidacy.save(update_fields=["agreed_day_rate"])
    return negotiation


# --- Audit ------------------------------------------------------------------------------


def audit_report_start(*, assignment, user):
    """The selected manager starts a (new version of the) audit report."""
    require_party(assignment, user, [Party.MANAGER], "write the audit report")
    _require_state(assignment, [State.AUDIT], "write an audit report")
    with transaction.atomic():
        Assignment.objects.select_for_update().filter(pk=assignment.pk).exists()
        reports = list(assignment.audit_reports.order_by("version").prefetch_related("findings"))
        _require(
            not any(
                r.status in (AuditReport.Status.DRAFT, AuditReport.Status.SUBMITTED)
                for r in reports
            ),
            "A draft or submitted audit report already exists.",
        )
        previous = reports[-1] if reports else None
        report = AuditReport.objects.create(
            assignment=assignment,
            version=(previous.version + 1) if previous else 1,
            author=user,
            summary=previous.summary if previous else "",
        )
        if previous:
            AuditFinding.objects.bulk_create(
                AuditFinding(
                    report=report, dimension=f.dimension, finding=f.finding, gap_level=f.gap_level
                )
                for f in previous.findings.all()
            )
    return report


def audit_report_update(*, report, user, summary, findings):
    """Write the draft report: `findings` maps dimension → (finding, gap level)."""
    assignment = report.assignment
    require_party(assignment, user, [Party.MANAGER], "write the audit report")
    _require(
        report.is_editable,
        f"Audit report v{report.version} is {report.get_status_display().lower()} and can no "
        "longer be edited: start a new version.",
    )
    unknown = set(findings) - set(Dimension.values)
    _require(not unknown, f"Unknown dimension(s): {', '.join(sorted(unknown))}.")
    for dimension, (_text, level) in findings.items():
        _require(level in (0, 1, 2, 3), f"The gap level for {dimension} must be 0, 1, 2 or 3.")
    with transaction.atomic():
        locked = AuditReport.objects.select_for_update().get(pk=report.pk)
        _require(locked.is_editable, "This audit report was submitted meanwhile.")
        locked.summary = summary
        locked.save(update_fields=["summary"])
        for dimension, (text, level) in findings.items():
            AuditFinding.objects.update_or_create(
                report=locked,
                dimension=dimension,
                defaults={"finding": (text or "").strip(), "gap_level": level},
            )
    report.refresh_from_db()
    return report


def audit_report_submit(*, report, user):
    """The manager submits the audit; the gap drift is computed in the background."""
    assignment = report.assignment
    require_party(assignment, user, [Party.MANAGER], "submit the audit report")
    _require_state(assignment, [State.AUDIT], "submit an audit report")
    with transaction.atomic():
        locked = AuditReport.objects.select_for_update().get(pk=report.pk)
        _require(locked.is_editable, f"Audit report v{locked.version} was already submitted.")
        found = {f.dimension: f for f in locked.findings.all()}
        missing = [
            label
            for value, label in Dimension.choices
            if value not in found or not found[value].finding.strip()
        ]
        _require(not missing, f"The audit report has no finding for: {', '.join(missing)}.")
        locked.status = AuditReport.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at"])
        transaction.on_commit(lambda: enqueue_gap_drift(locked.pk))
    report.refresh_from_db()
    return report


def enqueue_gap_drift(audit_report_id):
    """Hand the drift computation to the worker; if the broker is down, a sweep catches up."""
    from .engine import enqueue
    from .tasks import flag_gap_drift

    enqueue(flag_gap_drift, audit_report_id)


def enqueue_meeting_drift(meeting_id):
    """Hand the meeting's drift-trend check to the worker; a sweep catches up if it is lost."""
    from .engine import enqueue
    from .tasks import check_meeting_drift

    enqueue(check_meeting_drift, meeting_id)


def audit_report_return(*, report, user, comment):
    """The director sends the audit back for revision, saying why."""
    assignment = report.assignment
    require_director(assignment, user)
    _require_state(assignment, [State.AUDIT], "return an audit report")
    comment = (comment or "").strip()
    _require(comment, "Say what the manager should revise.")
    with transaction.atomic():
        locked = AuditReport.objects.select_for_update().get(pk=report.pk)
        _require(
            locked.status == AuditReport.Status.SUBMITTED,
            f"Audit report v{locked.version} is {locked.get_status_display().lower()}, "
            "not submitted.",
        )
        locked.status = AuditReport.Status.RETURNED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = user
        locked.review_comment = comment
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
    report.refresh_from_db()
    return report


def audit_report_record_drift(*, report):
    """Compute and store the report's gap drift and its history point (idempotent)."""
    if report.drift_score is None:
        report.drift_score = gap_drift(report.levels, weights())
        AuditReport.objects.filter(pk=report.pk).update(drift_score=report.drift_score)
    DriftReading.objects.get_or_create(
        audit_report=report,
        defaults={
            "assignment_id": report.assignment_id,
            "score": report.drift_score,
            "recorded_at": report.submitted_at or timezone.now(),
        },
    )
    return report.drift_score


# --- Action plan --------------------------------------------------------------------------


def action_plan_draft(*, assignment, user, summary=""):
    """Start a new plan version (the first, or a revision copying the current one)."""
    require_party(assignment, user, [Party.DIRECTOR, Party.MANAGER], "draft the action plan")
    _require_state(assignment, [State.ACTION_PLAN, State.REALIGNMENT], "draft an action plan")
    with transaction.atomic():
        Assignment.objects.select_for_update().filter(pk=assignment.pk).exists()
        current = (
            assignment.action_plans.order_by("-version")
            .prefetch_related("milestones", "commitments")
            .first()
        )
        _require(
            current is None or current.status != ActionPlan.Status.DRAFT,
            f"Action plan v{current.version if current else 0} is still a draft: edit it.",
        )
        plan = ActionPlan.objects.create(
            assignment=assignment,
            version=(current.version + 1) if current else 1,
            summary=summary or (current.summary if current else ""),
            created_by=user,
        )
        if current:
            Milestone.objects.bulk_create(
                Milestone(
                    plan=plan, title=m.title, owner=m.owner, due_date=m.due_date, status=m.status
                )
                for m in current.milestones.all()
            )
            ClientCommitment.objects.bulk_create(
                ClientCommitment(
                    plan=plan,
                    kind=c.kind,
                    description=c.description,
                    due_date=c.due_date,
                    delivered_on=c.delivered_on,
                    delivered_marked_by_id=c.delivered_marked_by_id,
                )
                for c in current.commitments.all()
            )
    return plan


def action_plan_update(*, plan, user, summary, milestones, commitments):
    """Rewrite a draft plan. Any confirmation already given is withdrawn: it was for
    the text as it was. `milestones` and `commitments` are lists of field dicts."""
    assignment = plan.assignment
    require_party(assignment, user, [Party.DIRECTOR, Party.MANAGER], "edit the action plan")
    with transaction.atomic():
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        _require(
            locked.is_editable,
            f"Action plan v{locked.version} is confirmed and is never edited: draft a revision.",
        )
        locked.summary = summary
        locked.save(update_fields=["summary"])
        locked.confirmations.all().delete()
        locked.milestones.all().delete()
        locked.commitments.all().delete()
        Milestone.objects.bulk_create(Milestone(plan=locked, **m) for m in milestones)
        ClientCommitment.objects.bulk_create(
            ClientCommitment(plan=locked, **c) for c in commitments
        )
    plan.refresh_from_db()
    return plan


def action_plan_confirm(*, plan, user):
    """One party confirms the plan; with the third confirmation the version is locked."""
    assignment = plan.assignment
    _require_state(assignment, [State.ACTION_PLAN, State.REALIGNMENT], "confirm an action plan")
    parties = parties_of(assignment, user)
    if not parties:
        raise PermissionDenied(
            "Only the client contact, the interim manager or the director may confirm the plan."
        )
    with transaction.atomic():
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        _require(locked.is_editable, f"Action plan v{locked.version} is already confirmed.")
        _require(
            locked.milestones.exists(), "A plan needs at least one milestone to be confirmed."
        )
        latest = assignment.action_plans.order_by("-version").values_list("version", flat=True)[0]
        _require(locked.version == latest, "Only the latest plan version can be confirmed.")
        done = set(locked.confirmations.values_list("party", flat=True))
        todo = [p for p in parties if p not in done]
        _require(todo, "You have already confirmed this plan version.")
        try:
            with transaction.atomic():
                PlanConfirmation.objects.bulk_create(
                    PlanConfirmation(plan=locked, party=p, user=user) for p in todo
                )
        except IntegrityError as exc:
            raise Refused("This plan version was confirmed meanwhile.") from exc
        if done | set(todo) >= set(Party.values):
            locked.status = ActionPlan.Status.CONFIRMED
            locked.confirmed_at = timezone.now()
            locked.save(update_fields=["status", "confirmed_at"])
            assignment.action_plans.filter(
                status=ActionPlan.Status.CONFIRMED, version__lt=locked.version
            ).update(status=ActionPlan.Status.SUPERSEDED)
    plan.refresh_from_db()
    return plan


def commitment_mark_delivered(*, commitment, user, delivered_on=None):
    """Record that the client delivered what it promised."""
    assignment = commitment.plan.assignment
    require_party(
        assignment,
        user,
        [Party.DIRECTOR, Party.MANAGER, Party.CLIENT],
        "mark a commitment delivered",
    )
    _require(not commitment.delivered, "This commitment is already marked delivered.")
    delivered_on = delivered_on or timezone.localdate()
    _require(delivered_on <= timezone.localdate(), "A delivery date cannot be in the future.")
    commitment.delivered_on = delivered_on
    commitment.delivered_marked_by = user
    commitment.save(update_fields=["delivered_on", "delivered_marked_by"])
    return commitment


# --- Progress meetings ----------------------------------------------------------------


def _schedule_next_meeting(assignment, *, after):
    if assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).exists():
        return None
    return ProgressMeeting.objects.create(
        assignment=assignment,
        scheduled_for=after + timedelta(days=assignment.review_cadence_days),
    )


def meeting_schedule(*, assignment, user, scheduled_for):
    """Set (or move) the next progress meeting."""
    require_director(assignment, user)
    _require_state(assignment, RUNNING_STATES, "schedule a progress meeting")
    with transaction.atomic():
        meeting = assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).first()
        if meeting:
            meeting.scheduled_for = scheduled_for
            meeting.save(update_fields=["scheduled_for"])
        else:
            meeting = ProgressMeeting.objects.create(
                assignment=assignment, scheduled_for=scheduled_for
            )
    return meeting


MEETING_FIELDS = (
    "summary",
    "milestone_progress",
    "commitments_review",
    "manager_workload",
    "manager_strain",
    "direction_changes",
    "realignment_actions",
    "opportunities",
)


def meeting_record(*, meeting, user, held_on, ratings, **fields):
    """Record a held progress meeting with its six ratings; the next one is scheduled."""
    assignment = meeting.assignment
    require_party(assignment, user, [Party.DIRECTOR, Party.MANAGER], "record a meeting")
    _require_state(assignment, RUNNING_STATES, "record a progress meeting")
    unknown = set(fields) - set(MEETING_FIELDS)
    _require(not unknown, f"Unknown meeting field(s): {', '.join(sorted(unknown))}.")
    _require(held_on <= timezone.localdate(), "A meeting cannot be recorded as held in future.")
    missing = [label for value, label in Dimension.choices if value not in ratings]
    _require(not missing, f"Rate every dimension; missing: {', '.join(missing)}.")
    score = gap_drift(ratings, weights())
    with transaction.atomic():
        locked = ProgressMeeting.objects.select_for_update().get(pk=meeting.pk)
        _require(
            locked.status == ProgressMeeting.Status.SCHEDULED,
            f"This meeting is already {locked.get_status_display().lower()}.",
        )
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = ProgressMeeting.Status.HELD
        locked.held_on = held_on
        locked.recorded_by = user
        locked.drift_score = score
        locked.full_clean()
        locked.save()
        MeetingRating.objects.bulk_create(
            MeetingRating(meeting=locked, dimension=d, level=lvl) for d, lvl in ratings.items()
        )
        DriftReading.objects.create(
            assignment=assignment, meeting=locked, score=score, recorded_at=timezone.now()
        )
        Assignment.objects.filter(pk=assignment.pk).update(
            gap_drift=score, gap_drift_at=timezone.now()
        )
        _schedule_next_meeting(assignment, after=held_on)
        transaction.on_commit(lambda: enqueue_meeting_drift(locked.pk))
    meeting.refresh_from_db()
    return meeting


def meeting_mark_missed(*, meeting, user):
    """Record that a scheduled meeting did not take place; the next one is scheduled."""
    assignment = meeting.assignment
    require_director(assignment, user)
    with transaction.atomic():
        locked = ProgressMeeting.objects.select_for_update().get(pk=meeting.pk)
        _require(
            locked.status == ProgressMeeting.Status.SCHEDULED,
            f"This meeting is already {locked.get_status_display().lower()}.",
        )
        locked.status = ProgressMeeting.Status.MISSED
        locked.save(update_fields=["status"])
        if assignment.state in RUNNING_STATES:
            _schedule_next_meeting(assignment, after=timezone.localdate())
    meeting.refresh_from_db()
    return meeting


# --- Flags --------------------------------------------------------------------------------


def flag_raise(*, assignment, kind, key, message):
    """Raise a flag once per key: a resolved flag is never raised again for the same key.
    Returns the flag and whether it is new."""
    with transaction.atomic():
        flag, created = Flag.objects.get_or_create(
            key=key, defaults={"assignment": assignment, "kind": kind, "message": message}
        )
    return flag, created


def flag_resolve(*, flag, user, comment):
    """Someone of the provider side (or admin) closes a flag, saying how."""
    assignment = flag.assignment
    require_party(assignment, user, [Party.DIRECTOR, Party.MANAGER], "resolve a flag")
    comment = (comment or "").strip()
    _require(comment, "Say how the flag was resolved.")
    with transaction.atomic():
        locked = Flag.objects.select_for_update().get(pk=flag.pk)
        _require(locked.resolved_at is None, "This flag is already resolved.")
        locked.resolved_at = timezone.now()
        locked.resolved_by = user
        locked.resolution = comment
        locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    flag.refresh_from_db()
    return flag


# --- Notifications (the reader's side) ------------------------------------------------------


def notification_mark_read(*, notification, user):
    """The recipient has seen it."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user):
    """Mark every unread notification of the user as read; returns how many."""
    return Notification.objects.filter(recipient_id=user.pk, read_at=None).update(
        read_at=timezone.now()
    )

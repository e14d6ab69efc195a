"""Telling people it is their turn: the notifications the services write as things happen.

Each service that performs an event calls one function here, inside its transaction; the
notifications are recorded once per (recipient, key) and e-mailed after commit by the
e-mail task, each with a link to the exact place to act. What a client reads never holds
the provider's own parts (vetting, rates beyond the one offered, workload, strain,
opportunities, flags).

The demo world is built in `quiet()`: it records history, not news.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.urls import reverse

from partners.models import ClientContact

from ..constants import NotificationKind, Party, State
from ..models import (
    ActionPlan,
    Assignment,
    AuditReport,
    Candidacy,
    Notification,
    ProgressMeeting,
    TransitionRecord,
)
from .background import enqueue_emails
from .notifications import ROLE_REASONS, notifications_record

Kind = NotificationKind

_quiet: ContextVar[bool] = ContextVar("interim_events_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Record no event notification inside the block (the demo world's back-story)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def client_contact_ids(assignment: Assignment) -> list[int]:
    """Every contact of the client organisation: each speaks for the client."""
    return list(
        ClientContact.objects.filter(
            organisation_id=assignment.client_id, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def party_ids(assignment: Assignment) -> dict[str, list[int]]:
    """The people of each party of the assignment, by party name."""
    return {
        Party.DIRECTOR: [assignment.director_id] if assignment.director_id else [],
        Party.MANAGER: [assignment.interim_manager_id] if assignment.interim_manager_id else [],
        Party.CLIENT: client_contact_ids(assignment),
    }


def place(assignment: Assignment, anchor: str = "", name: str = "", **kwargs: Any) -> str:
    """The address of the exact place to act: a page of the assignment, or a section."""
    if name:
        return reverse(f"assignments:{name}", kwargs={"pk": assignment.pk, **kwargs})
    url = reverse("assignments:detail", args=[assignment.pk])
    return f"{url}#{anchor}" if anchor else url


def tell(
    assignment: Assignment,
    parties: Iterable[str],
    *,
    kind: str,
    key: str,
    subject: str,
    body: str,
    url: str,
    exclude: Iterable[int | None] = (),
    people: Iterable[int] = (),
    reason: str = "",
) -> int:
    """Record one notification per person of `parties` (and of `people`), except those in
    `exclude` (whoever did the thing); e-mail them after commit. Returns how many were new.
    `key` names the event; the recipient is added to it, so that each is told once."""
    if _quiet.get():
        return 0
    parties = list(parties)
    ids = party_ids(assignment) if parties else {}
    skip = {pk for pk in exclude if pk}
    recipients: dict[int, str] = {}
    for party in parties:
        for pk in ids[party]:
            recipients.setdefault(pk, ROLE_REASONS[party].format(title=assignment.title))
    for pk in people:
        recipients.setdefault(pk, reason)
    notes = [
        Notification(
            recipient_id=pk,
            assignment_id=assignment.pk,
            kind=kind,
            key=f"{key}:to:{pk}"[:200],
            subject=subject[:200],
            body=body,
            reason=(reason or why)[:200],
            url=url[:300],
        )
        for pk, why in recipients.items()
        if pk not in skip
    ]
    new = notifications_record(notes)
    if new:
        enqueue_emails()
    return new


# ---- Selection ---------------------------------------------------------------------------


def candidate_presented(candidacy: Candidacy, user: Any) -> int:
    a = candidacy.assignment
    rate = (
        f" at an agreed day rate of {candidacy.agreed_day_rate} {candidacy.currency}"
        if candidacy.agreed_day_rate is not None
        else "; the day rate is still being agreed"
    )
    return tell(
        a,
        [Party.CLIENT],
        kind=Kind.SELECTION,
        key=f"candidate-presented:{candidacy.pk}",
        subject=f"A candidate is presented to you – {a.title}",
        body=(
            f"{a.firm} presents {candidacy.manager} "
            f"for “{a.title}”{rate}. Review the candidates and choose the manager."
        ),
        url=place(a, "selection"),
        exclude=[user.pk],
    )


def manager_chosen(candidacy: Candidacy, user: Any, not_retained: Iterable[int]) -> int:
    a = candidacy.assignment
    name = str(candidacy.manager)
    told = tell(
        a,
        [Party.DIRECTOR],
        kind=Kind.SELECTION,
        key=f"manager-chosen:{candidacy.pk}",
        subject=f"The client chose {name} – {a.title}",
        body=(
            f"The client chose {name} for “{a.title}”. The situational audit is due on "
            f"{a.audit_due_date:%d %B %Y}."
        ),
        url=place(a, "audit"),
        exclude=[user.pk],
    )
    told += tell(
        a,
        [Party.MANAGER],
        kind=Kind.SELECTION,
        key=f"manager-chosen:{candidacy.pk}",
        subject=f"You are selected – {a.title}",
        body=(
            f"{a.client} chose you for “{a.title}”. Your situational audit is due on "
            f"{a.audit_due_date:%d %B %Y}: start it from the assignment's audit section."
        ),
        url=place(a, "audit"),
        exclude=[user.pk],
    )
    told += tell(
        a,
        [],
        people=not_retained,
        kind=Kind.SELECTION,
        key=f"not-retained:{a.pk}",
        subject=f"Not retained – {a.title}",
        body=f"The client chose another candidate for “{a.title}”. Thank you for your time.",
        url=place(a),
        reason=f"You were presented as a candidate for “{a.title}”.",
    )
    return told


# ---- Audit -------------------------------------------------------------------------------


def audit_returned(report: AuditReport, user: Any, comment: str) -> int:
    a = report.assignment
    return tell(
        a,
        [Party.MANAGER],
        kind=Kind.AUDIT,
        key=f"audit-returned:{report.pk}",
        subject=f"Audit report v{report.version} returned – {a.title}",
        body=f"The director returned your audit report with this comment:\n\n{comment}",
        url=place(a, "audit"),
        exclude=[user.pk],
    )


def audit_accepted(report: AuditReport, user: Any) -> int:
    a = report.assignment
    told = tell(
        a,
        [Party.MANAGER],
        kind=Kind.AUDIT,
        key=f"audit-accepted:{report.pk}",
        subject=f"Audit report accepted – {a.title}",
        body=(
            f"The director accepted your audit report v{report.version}. The action plan "
            "can now be drafted."
        ),
        url=place(a, "plan"),
        exclude=[user.pk],
    )
    told += tell(
        a,
        [Party.CLIENT],
        kind=Kind.AUDIT,
        key=f"audit-accepted:{report.pk}",
        subject=f"The situational audit is ready – {a.title}",
        body=(
            f"The situational audit of “{a.title}” is accepted: see what it found beside "
            "what the brief announced. The action plan follows."
        ),
        url=place(a, "audit"),
        exclude=[user.pk],
    )
    return told


# ---- Action plan -------------------------------------------------------------------------


def plan_to_confirm(
    plan: ActionPlan, user: Any, *, round_key: str, confirmed: Iterable[str]
) -> int:
    """The draft is ready (again): each party who has not confirmed it is asked to."""
    a = plan.assignment
    todo = [p for p in Party.values if p not in set(confirmed)]
    return tell(
        a,
        todo,
        kind=Kind.PLAN,
        key=f"plan-to-confirm:{plan.pk}:{round_key}",
        subject=f"Action plan v{plan.version} awaits your confirmation – {a.title}",
        body=(
            f"Action plan v{plan.version} of “{a.title}” is ready. Read it and confirm it: "
            "the plan takes effect once the client, the manager and the director confirm."
        ),
        url=place(a, "plan"),
        exclude=[user.pk],
    )


def plan_confirmed(plan: ActionPlan) -> int:
    a = plan.assignment
    running = a.state == State.REALIGNMENT
    return tell(
        a,
        [Party.DIRECTOR],
        kind=Kind.PLAN,
        key=f"plan-confirmed:{plan.pk}",
        subject=f"Action plan v{plan.version} confirmed by all three – {a.title}",
        body=(
            f"The client, the manager and you confirmed action plan v{plan.version} of "
            f"“{a.title}”: it is ready to {'resume' if running else 'start'}."
        ),
        url=place(a, "header"),
    )


# ---- The lifecycle -----------------------------------------------------------------------

LIFECYCLE_NEWS = {
    "start_progress": ("The assignment has started", "“{title}” is under way: {first}"),
    "start_realignment": ("Realignment started", "“{title}” is being realigned: {reason}"),
    "resume_progress": ("Progress resumed", "“{title}” resumes on the revised plan: {first}"),
    "complete": ("The assignment is completed", "“{title}” is completed. Outcome: {outcome}"),
    "cancel": ("The assignment is cancelled", "“{title}” is cancelled. Reason: {reason}"),
}


def transition_performed(record: TransitionRecord, user: Any) -> int:
    """News of the lifecycle for the other parties (selection and audit say their own)."""
    news = LIFECYCLE_NEWS.get(record.transition)
    if news is None:
        return 0
    a = record.assignment
    subject, body = news
    next_meeting = a.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).first()
    first = (
        f"the next progress meeting is on {next_meeting.scheduled_for:%A %d %B %Y}."
        if next_meeting
        else "the next progress meeting will be scheduled."
    )
    return tell(
        a,
        Party.values,
        kind=Kind.LIFECYCLE,
        key=f"transition:{record.pk}",
        subject=f"{subject} – {a.title}",
        body=body.format(
            title=a.title,
            first=first,
            reason=a.realignment_reason
            if record.transition == "start_realignment"
            else a.cancel_reason,
            outcome=a.outcome,
        ),
        url=place(a, "plan" if record.transition == "start_realignment" else "header"),
        exclude=[user.pk if user else None],
    )


# ---- Progress meetings -------------------------------------------------------------------


def _lines(*pairs: tuple[str, object]) -> str:
    return "\n".join(f"{label}: {value}" for label, value in pairs if value not in ("", None))


def meeting_recorded(meeting: ProgressMeeting, user: Any) -> int:
    """A summary for each other party; the client's without the provider's own parts."""
    a = meeting.assignment
    key = f"meeting-recorded:{meeting.pk}"
    subject = f"Progress meeting of {meeting.held_on:%d %B %Y} recorded – {a.title}"
    shared = (
        ("Summary", meeting.summary),
        ("Milestones", meeting.milestone_progress),
        ("Client commitments", meeting.commitments_review),
    )
    url = place(a, "meetings")
    told = tell(
        a,
        [Party.CLIENT],
        kind=Kind.MEETING,
        key=key,
        subject=subject,
        body=_lines(*shared),
        url=url,
        exclude=[user.pk],
    )
    told += tell(
        a,
        [Party.DIRECTOR, Party.MANAGER],
        kind=Kind.MEETING,
        key=key,
        subject=subject,
        body=_lines(
            *shared,
            ("Changes of direction", meeting.direction_changes),
            ("Realignment actions", meeting.realignment_actions),
            ("Manager's workload", meeting.manager_workload and f"{meeting.manager_workload}/5"),
            ("Manager's strain", meeting.manager_strain and f"{meeting.manager_strain}/5"),
            ("New business", meeting.opportunities),
        ),
        url=url,
        exclude=[user.pk],
    )
    return told

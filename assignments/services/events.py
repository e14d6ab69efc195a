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
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy

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
from .notifications import ROLE_REASONS, day, joined, notifications_record, said

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
    `key` names the event; the recipient is added to it, so that each is told once. The
    texts are lazy: each recipient reads them in their own language."""
    if _quiet.get():
        return 0
    parties = list(parties)
    ids = party_ids(assignment) if parties else {}
    skip = {pk for pk in exclude if pk}
    recipients: dict[int, str] = {}
    for party in parties:
        for pk in ids[party]:
            recipients.setdefault(pk, said(ROLE_REASONS[party], title=assignment.title))
    for pk in people:
        recipients.setdefault(pk, reason)
    notes = [
        Notification(
            recipient_id=pk,
            assignment_id=assignment.pk,
            kind=kind,
            key=f"{key}:to:{pk}"[:200],
            subject=subject,
            body=body,
            reason=reason or why,
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
    names = {"firm": str(a.firm), "manager": str(candidacy.manager), "title": a.title}
    body = (
        said(
            _lazy(
                "%(firm)s presents %(manager)s for “%(title)s” at an agreed day rate of "
                "%(rate)s %(currency)s. Review the candidates and choose the manager."
            ),
            rate=candidacy.agreed_day_rate,
            currency=candidacy.currency,
            **names,
        )
        if candidacy.agreed_day_rate is not None
        else said(
            _lazy(
                "%(firm)s presents %(manager)s for “%(title)s”; the day rate is still being "
                "agreed. Review the candidates and choose the manager."
            ),
            **names,
        )
    )
    return tell(
        a,
        [Party.CLIENT],
        kind=Kind.SELECTION,
        key=f"candidate-presented:{candidacy.pk}",
        subject=said(_lazy("A candidate is presented to you – %(title)s"), title=a.title),
        body=body,
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
        subject=said(_lazy("The client chose %(name)s – %(title)s"), name=name, title=a.title),
        body=said(
            _lazy(
                "The client chose %(name)s for “%(title)s”. The situational audit is due "
                "on %(due)s."
            ),
            name=name,
            title=a.title,
            due=day(a.audit_due_date),
        ),
        url=place(a, "audit"),
        exclude=[user.pk],
    )
    told += tell(
        a,
        [Party.MANAGER],
        kind=Kind.SELECTION,
        key=f"manager-chosen:{candidacy.pk}",
        subject=said(_lazy("You are selected – %(title)s"), title=a.title),
        body=said(
            _lazy(
                "%(client)s chose you for “%(title)s”. Your situational audit is due on "
                "%(due)s: start it from the assignment's audit section."
            ),
            client=str(a.client),
            title=a.title,
            due=day(a.audit_due_date),
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
        subject=said(_lazy("Not retained – %(title)s"), title=a.title),
        body=said(
            _lazy("The client chose another candidate for “%(title)s”. Thank you for your time."),
            title=a.title,
        ),
        url=place(a),
        reason=said(_lazy("You were presented as a candidate for “%(title)s”."), title=a.title),
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
        subject=said(
            _lazy("Audit report v%(version)s returned – %(title)s"),
            version=report.version,
            title=a.title,
        ),
        body=said(
            _lazy("The director returned your audit report with this comment:\n\n%(comment)s"),
            comment=comment,
        ),
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
        subject=said(_lazy("Audit report accepted – %(title)s"), title=a.title),
        body=said(
            _lazy(
                "The director accepted your audit report v%(version)s. The action plan can "
                "now be drafted."
            ),
            version=report.version,
        ),
        url=place(a, "plan"),
        exclude=[user.pk],
    )
    told += tell(
        a,
        [Party.CLIENT],
        kind=Kind.AUDIT,
        key=f"audit-accepted:{report.pk}",
        subject=said(_lazy("The situational audit is ready – %(title)s"), title=a.title),
        body=said(
            _lazy(
                "The situational audit of “%(title)s” is accepted: see what it found beside "
                "what the brief announced. The action plan follows."
            ),
            title=a.title,
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
        subject=said(
            _lazy("Action plan v%(version)s awaits your confirmation – %(title)s"),
            version=plan.version,
            title=a.title,
        ),
        body=said(
            _lazy(
                "Action plan v%(version)s of “%(title)s” is ready. Read it and confirm it: "
                "the plan takes effect once the client, the manager and the director confirm."
            ),
            version=plan.version,
            title=a.title,
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
        subject=said(
            _lazy("Action plan v%(version)s confirmed by all three – %(title)s"),
            version=plan.version,
            title=a.title,
        ),
        body=said(
            _lazy(
                "The client, the manager and you confirmed action plan v%(version)s of "
                "“%(title)s”: it is ready to resume."
            )
            if running
            else _lazy(
                "The client, the manager and you confirmed action plan v%(version)s of "
                "“%(title)s”: it is ready to start."
            ),
            version=plan.version,
            title=a.title,
        ),
        url=place(a, "header"),
    )


# ---- The lifecycle -----------------------------------------------------------------------

LIFECYCLE_NEWS = {
    "start_progress": (
        _lazy("The assignment has started – %(title)s"),
        _lazy("“%(title)s” is under way: %(first)s"),
    ),
    "start_realignment": (
        _lazy("Realignment started – %(title)s"),
        _lazy("“%(title)s” is being realigned: %(reason)s"),
    ),
    "resume_progress": (
        _lazy("Progress resumed – %(title)s"),
        _lazy("“%(title)s” resumes on the revised plan: %(first)s"),
    ),
    "complete": (
        _lazy("The assignment is completed – %(title)s"),
        _lazy("“%(title)s” is completed. Outcome: %(outcome)s"),
    ),
    "cancel": (
        _lazy("The assignment is cancelled – %(title)s"),
        _lazy("“%(title)s” is cancelled. Reason: %(reason)s"),
    ),
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
        said(
            _lazy("the next progress meeting is on %(day)s."),
            day=day(next_meeting.scheduled_for, "l d F Y"),
        )
        if next_meeting
        else _lazy("the next progress meeting will be scheduled.")
    )
    return tell(
        a,
        Party.values,
        kind=Kind.LIFECYCLE,
        key=f"transition:{record.pk}",
        subject=said(subject, title=a.title),
        body=said(
            body,
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


def _lines(*pairs: tuple[str | Promise, object]) -> str:
    return joined(
        "\n",
        *(
            said(_lazy("%(label)s: %(value)s"), label=label, value=value)
            for label, value in pairs
            if value not in ("", None)
        ),
    )


def meeting_recorded(meeting: ProgressMeeting, user: Any) -> int:
    """A summary for each other party; the client's without the provider's own parts."""
    a = meeting.assignment
    key = f"meeting-recorded:{meeting.pk}"
    subject = said(
        _lazy("Progress meeting of %(day)s recorded – %(title)s"),
        day=day(meeting.held_on),
        title=a.title,
    )
    shared = (
        (_lazy("Summary"), meeting.summary),
        (_lazy("Milestones"), meeting.milestone_progress),
        (_lazy("Client commitments"), meeting.commitments_review),
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
            (_lazy("Changes of direction"), meeting.direction_changes),
            (_lazy("Realignment actions"), meeting.realignment_actions),
            (
                _lazy("Manager's workload"),
                meeting.manager_workload and f"{meeting.manager_workload}/5",
            ),
            (_lazy("Manager's strain"), meeting.manager_strain and f"{meeting.manager_strain}/5"),
            (_lazy("New business"), meeting.opportunities),
        ),
        url=url,
        exclude=[user.pk],
    )
    return told

"""A final assignment is read-only for everyone but an admin: every kind of write on a
completed and on a cancelled assignment is refused, and changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import (
    ActionPlan,
    AuditReport,
    ClientCommitment,
    Flag,
    Milestone,
    ProgressMeeting,
)
from tests.factories import FlagFactory

REFUSALS = (services.Refused, PermissionDenied)


@pytest.fixture(params=["completed", "cancelled"])
def closed(request, walker, director):
    """An assignment that ran (plan, commitment, audit report, candidacy, meeting), then
    closed; an open flag, a scheduled meeting, a draft plan revision and a draft audit
    report are left behind on purpose, so that only the closed state can refuse."""
    walker.walk_to("in_progress")
    a = walker.a
    if request.param == "completed":
        services.assignment_complete(assignment=a, user=director, outcome="Turned around.")
    else:
        services.assignment_cancel(assignment=a, user=director, reason="Client sold.")
    a.refresh_from_db()
    meeting = ProgressMeeting.objects.create(assignment=a, scheduled_for=a.started_on)
    flag = FlagFactory(assignment=a, kind="review_overdue", key="left:open")
    plan = a.action_plans.get()
    report = a.audit_reports.get()
    draft_plan = ActionPlan.objects.create(
        assignment=a, version=2, summary="Revision in the works.", created_by=director
    )
    Milestone.objects.create(
        plan=draft_plan, title="Handover", owner="Manager", due_date=a.started_on
    )
    draft_report = AuditReport.objects.create(
        assignment=a, version=2, author=a.interim_manager, summary="Second look."
    )
    return {
        "draft_plan": draft_plan,
        "draft_report": draft_report,
        "a": a,
        "plan": plan,
        "commitment": plan.commitments.get(),
        "report": report,
        "candidacy": a.candidacies.get(),
        "meeting": meeting,
        "flag": flag,
    }


def writes(w, director, manager, client):
    """Every kind of write a party can attempt, as (who, call)."""
    a = w["a"]
    ratings = dict.fromkeys(DIMENSIONS, 1)
    return {
        "brief": lambda: services.brief_update(
            assignment=a, user=director, statements={"objectives": "New."}
        ),
        "shortlist": lambda: services.candidacy_add(assignment=a, user=director, manager=manager),
        "vet": lambda: services.candidacy_vet(
            candidacy=w["candidacy"], user=director, internal_notes="x"
        ),
        "present": lambda: services.candidacy_present(candidacy=w["candidacy"], user=director),
        "negotiate": lambda: services.negotiation_round_record(
            candidacy=w["candidacy"], user=director, offered_by="firm", day_rate="1"
        ),
        "audit_start": lambda: services.audit_report_start(assignment=a, user=manager),
        "audit_update": lambda: services.audit_report_update(
            report=w["draft_report"], user=manager, summary="x", findings={}
        ),
        "audit_submit": lambda: services.audit_report_submit(
            report=w["draft_report"], user=manager
        ),
        "audit_return": lambda: services.audit_report_return(
            report=w["report"], user=director, comment="x"
        ),
        "plan_draft": lambda: services.action_plan_draft(assignment=a, user=manager),
        "plan_update": lambda: services.action_plan_update(
            plan=w["draft_plan"],
            user=manager,
            summary="After the close.",
            milestones=[],
            commitments=[],
        ),
        "plan_confirm": lambda: services.action_plan_confirm(plan=w["draft_plan"], user=client),
        "commitment_delivered": lambda: services.commitment_mark_delivered(
            commitment=w["commitment"], user=client
        ),
        "meeting_schedule": lambda: services.meeting_schedule(
            assignment=a, user=director, scheduled_for=a.started_on
        ),
        "meeting_record": lambda: services.meeting_record(
            meeting=w["meeting"], user=manager, held_on=a.started_on, ratings=ratings
        ),
        "meeting_missed": lambda: services.meeting_mark_missed(
            meeting=w["meeting"], user=director
        ),
        "flag_resolve": lambda: services.flag_resolve(flag=w["flag"], user=director, comment="x"),
        "cancel": lambda: services.assignment_cancel(assignment=a, user=director, reason="x"),
    }


WRITES = list(writes(dict.fromkeys("a"), None, None, None))


def snapshot(w):
    a = w["a"]
    return (
        a.state,
        list(a.action_plans.values_list("version", "summary", "status")),
        list(Milestone.objects.filter(plan__assignment=a).values_list("title", flat=True)),
        list(a.action_plans.values_list("confirmations__party")),
        list(a.audit_reports.values_list("version", "status", "summary")),
        list(a.candidacies.values_list("status", "internal_notes")),
        list(a.meetings.values_list("status", "scheduled_for")),
        list(Flag.objects.filter(assignment=a).values_list("resolved_at")),
        ClientCommitment.objects.get(pk=w["commitment"].pk).delivered_on,
        list(a.brief_items.values_list("statement", flat=True)),
    )


@pytest.mark.parametrize("write", WRITES)
def test_every_write_on_a_closed_assignment_is_refused(closed, write, director, manager):
    before = snapshot(closed)
    call = writes(closed, director, manager, closed["a"].client_contact)[write]
    with pytest.raises(REFUSALS):
        call()
    assert snapshot(closed) == before


def test_closing_resolves_the_open_flags(walker, director):
    walker.walk_to("in_progress")
    flag = FlagFactory(assignment=walker.a, kind="fuse_risk", key="open:at:close")
    services.assignment_complete(assignment=walker.a, user=director, outcome="Done.")
    flag.refresh_from_db()
    assert flag.resolved_at is not None and flag.resolved_by == director
    assert "Closed with the assignment" in flag.resolution


def test_an_admin_may_still_tidy_a_flag_of_a_closed_assignment(closed, admin_user):
    services.flag_resolve(flag=closed["flag"], user=admin_user, comment="Tidied.")
    closed["flag"].refresh_from_db()
    assert closed["flag"].resolved_by == admin_user

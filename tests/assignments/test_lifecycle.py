"""The state machine: its table, who may do what, the guards, and optimistic locking."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from assignments import services
from assignments.models import Assignment, Candidacy, State, TransitionRecord

NON_FINAL = {"brief", "selection", "audit", "action_plan", "in_progress", "realignment"}

TRANSITION_TABLE = {
    "open_selection": ({"brief"}, "selection"),
    "select_manager": ({"selection"}, "audit"),
    "accept_audit": ({"audit"}, "action_plan"),
    "start_progress": ({"action_plan"}, "in_progress"),
    "start_realignment": ({"in_progress"}, "realignment"),
    "resume_progress": ({"realignment"}, "in_progress"),
    "complete": ({"in_progress"}, "completed"),
    "cancel": (NON_FINAL, "cancelled"),
}


def test_the_transition_table_is_exactly_the_design():
    field = Assignment._meta.get_field("state")
    found = {}
    for t in field.get_all_transitions(Assignment):
        sources, target = found.setdefault(t.name, (set(), t.target))
        assert target == t.target
        sources.add(t.source)
    assert found == TRANSITION_TABLE
    assert list(State.values) == [
        "brief",
        "selection",
        "audit",
        "action_plan",
        "in_progress",
        "realignment",
        "completed",
        "cancelled",
    ]


def test_state_cannot_be_assigned_directly(assignment):
    with pytest.raises(AttributeError):
        assignment.state = State.COMPLETED


def _ready(name, walker):
    """Bring the assignment to where `name` can run, and return its service kwargs."""
    if name == "open_selection":
        walker.fill_brief()
        return {}
    if name == "select_manager":
        walker.to_selection()
        return {"candidacy": walker.ready_candidacy()}
    if name == "accept_audit":
        walker.to_audit()
        return {"report": walker.submitted_report()}
    if name == "start_progress":
        walker.to_action_plan()
        walker.confirm_all(walker.draft_plan())
        return {}
    if name == "start_realignment":
        walker.to_in_progress()
        return {"reason": "The client froze the budget."}
    if name == "resume_progress":
        walker.to_realignment()
        walker.confirm_all(walker.draft_plan())
        return {}
    if name == "complete":
        walker.to_in_progress()
        return {"outcome": "Objectives met."}
    if name == "cancel":
        return {"reason": "The client changed its mind."}
    raise AssertionError(name)


ALLOWED = {
    "open_selection": {"director", "admin"},
    "select_manager": {"director", "client", "admin"},
    "accept_audit": {"director", "admin"},
    "start_progress": {"director", "admin"},
    "start_realignment": {"director", "admin"},
    "resume_progress": {"director", "admin"},
    "complete": {"director", "admin"},
    "cancel": {"director", "admin"},
}
PARTIES = [
    "director",
    "other_director",
    "manager",
    "other_manager",
    "client",
    "other_client",
    "admin",
]


@pytest.mark.parametrize("party", PARTIES)
@pytest.mark.parametrize("name", list(TRANSITION_TABLE))
def test_every_transition_for_every_party(name, party, walker, cast):
    kwargs = _ready(name, walker)
    a = Assignment.objects.get(pk=walker.a.pk)
    before_state = a.state
    before_records = TransitionRecord.objects.filter(assignment=a).count()
    service = services.TRANSITION_SERVICES[name]
    if party in ALLOWED[name]:
        record = service(assignment=a, user=cast[party], comment="ok", **kwargs)
        a.refresh_from_db()
        assert a.state == TRANSITION_TABLE[name][1]
        assert TransitionRecord.objects.filter(assignment=a).count() == before_records + 1
        assert (record.transition, record.from_state, record.to_state, record.by) == (
            name,
            before_state,
            a.state,
            cast[party],
        )
        assert record.comment == "ok"
    else:
        with pytest.raises(PermissionDenied, match="Only"):
            service(assignment=a, user=cast[party], **kwargs)
        a.refresh_from_db()
        assert a.state == before_state
        assert TransitionRecord.objects.filter(assignment=a).count() == before_records


def _refused(service, match, **kwargs):
    before = TransitionRecord.objects.count()
    with pytest.raises(services.Refused, match=match):
        service(**kwargs)
    assert TransitionRecord.objects.count() == before


def test_open_selection_names_the_missing_brief_dimensions(assignment, director):
    services.brief_update(
        assignment=assignment, user=director, statements={"objectives": "Grow", "context": "X"}
    )
    _refused(
        services.assignment_open_selection,
        "no announced statement for: skills, resources, expectations, timeline",
        assignment=assignment,
        user=director,
    )
    assert assignment.state == State.BRIEF


def test_select_manager_refuses_a_candidate_not_presented(walker):
    walker.to_selection()
    walker.ready_candidacy(walker.manager)  # a presented one exists, so the guard is met
    other = walker.ready_candidacy(_second_manager(walker), present=False)
    _refused(
        services.assignment_select_manager,
        "has not been presented",
        assignment=walker.a,
        user=walker.client,
        candidacy=other,
    )


def test_select_manager_refuses_without_an_agreed_day_rate(walker):
    walker.to_selection()
    c = walker.ready_candidacy(agree=False)
    _refused(
        services.assignment_select_manager,
        "No candidacy is ready to select.*agreed day rate",
        assignment=walker.a,
        user=walker.client,
        candidacy=c,
    )


def test_select_manager_refuses_another_assignments_candidacy(walker, firm, director):
    from tests.factories import AssignmentFactory, Walker

    walker.to_selection()
    walker.ready_candidacy()
    elsewhere = Walker(AssignmentFactory(firm=firm, director=director), walker.manager)
    elsewhere.to_selection()
    foreign = elsewhere.ready_candidacy()
    _refused(
        services.assignment_select_manager,
        "Choose one of this assignment's candidates",
        assignment=walker.a,
        user=walker.director,
        candidacy=foreign,
    )


def test_select_manager_sets_manager_audit_due_and_declines_the_others(walker, settings):
    settings.AUDIT_DURATION_DAYS = 10
    walker.to_selection()
    other = walker.ready_candidacy(_second_manager(walker))
    chosen = walker.ready_candidacy()
    services.assignment_select_manager(assignment=walker.a, user=walker.client, candidacy=chosen)
    walker.a.refresh_from_db()
    assert walker.a.interim_manager == walker.manager
    assert (walker.a.audit_due_date - timezone.localdate(walker.a.history.last().at)).days == 10
    other.refresh_from_db()
    chosen.refresh_from_db()
    assert (chosen.status, other.status) == ("selected", "declined")


def test_presenting_needs_a_complete_vetting(walker):
    walker.to_selection()
    c = services.candidacy_add(assignment=walker.a, user=walker.director, manager=walker.manager)
    with pytest.raises(services.Refused, match="references checked.*fit rating"):
        services.candidacy_present(candidacy=c, user=walker.director)
    c.refresh_from_db()
    assert c.status == Candidacy.Status.SHORTLISTED


def test_presenting_a_low_fit_candidate_needs_a_justification(walker):
    walker.to_selection()
    c = walker.ready_candidacy(present=False, agree=False)
    services.candidacy_vet(candidacy=c, user=walker.director, fit_rating=2)
    with pytest.raises(services.Refused, match="needs a written justification"):
        services.candidacy_present(candidacy=c, user=walker.director)
    services.candidacy_present(
        candidacy=c, user=walker.director, justification="Only one with the language skills."
    )
    c.refresh_from_db()
    assert c.status == Candidacy.Status.PRESENTED


def test_accept_audit_needs_a_submitted_report(walker):
    walker.to_audit()
    _refused(
        services.assignment_accept_audit,
        "No submitted audit report",
        assignment=walker.a,
        user=walker.director,
        report=None,
    )


def test_accept_audit_stores_the_reports_drift(walker):
    walker.to_audit()
    report = walker.submitted_report(dict.fromkeys(_dims(), ("found", 3)))
    services.assignment_accept_audit(assignment=walker.a, user=walker.director, report=report)
    walker.a.refresh_from_db()
    report.refresh_from_db()
    assert (walker.a.gap_drift, report.drift_score, report.status) == (100, 100, "accepted")
    assert walker.a.drift_readings.get().score == 100


def test_start_progress_names_the_parties_still_to_confirm(walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    services.action_plan_confirm(plan=plan, user=walker.director)
    _refused(
        services.assignment_start_progress,
        "still needs the confirmation of: client contact, interim manager",
        assignment=walker.a,
        user=walker.director,
    )


def test_start_progress_schedules_the_first_meeting(walker):
    walker.to_in_progress()
    meeting = walker.a.meetings.get()
    assert (meeting.scheduled_for - walker.a.started_on).days == walker.a.review_cadence_days


def test_resume_progress_needs_a_revised_plan_confirmed_again(walker):
    walker.to_realignment()
    _refused(
        services.assignment_resume_progress,
        "needs a revised action plan",
        assignment=walker.a,
        user=walker.director,
    )
    revised = walker.draft_plan()
    assert revised.version == 2
    services.action_plan_confirm(plan=revised, user=walker.client)
    _refused(
        services.assignment_resume_progress,
        "v2 still needs the confirmation of: interim manager, assignment director",
        assignment=walker.a,
        user=walker.director,
    )


def test_complete_needs_an_outcome_and_cancel_a_reason(walker):
    walker.to_in_progress()
    _refused(
        services.assignment_complete,
        "outcome",
        assignment=walker.a,
        user=walker.director,
        outcome=" ",
    )
    _refused(
        services.assignment_cancel, "reason", assignment=walker.a, user=walker.director, reason=""
    )


def test_final_states_are_final(walker):
    services.assignment_cancel(assignment=walker.a, user=walker.director, reason="No budget.")
    _refused(
        services.assignment_cancel,
        "not possible while the assignment is in “Cancelled”",
        assignment=walker.a,
        user=walker.director,
        reason="Again.",
    )


def test_two_copies_transitioned_and_saved_only_one_succeeds(walker):
    walker.fill_brief()
    first = Assignment.objects.get(pk=walker.a.pk)
    second = Assignment.objects.get(pk=walker.a.pk)
    first.open_selection()
    second.cancel(reason="x")
    with transaction.atomic():
        first.save()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert Assignment.objects.get(pk=walker.a.pk).state == State.SELECTION


def test_a_stale_copy_through_the_service_is_refused_and_changes_nothing(walker):
    walker.fill_brief()
    stale = Assignment.objects.get(pk=walker.a.pk)
    services.assignment_open_selection(assignment=walker.a, user=walker.director)
    with pytest.raises(services.AssignmentChanged, match="changed meanwhile"):
        services.assignment_cancel(assignment=stale, user=walker.director, reason="Late click.")
    assert Assignment.objects.get(pk=walker.a.pk).state == State.SELECTION
    assert TransitionRecord.objects.filter(assignment=walker.a).count() == 1


def _dims():
    from assignments.drift import DIMENSIONS

    return DIMENSIONS


def _second_manager(walker):
    from tests.factories import ManagerFactory

    return ManagerFactory(firms=[walker.a.firm]).user

"""A manager's track record (beside each candidacy, for the provider) and the firm's mirror
on the director's dashboard: their figures, their walls and their cost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignments import selectors, services
from assignments.constants import State
from assignments.models import ActionPlan, Assignment, Candidacy
from assignments.models.closeout import Achievement, Cause, Closeout
from assignments.selectors.records import RECORD_ROWS, track_record_for, track_records
from assignments.services.freshness import dashboard_changed
from partners.models import ProviderFirm
from tests.factories import (
    ActionPlanFactory,
    AssignmentFactory,
    CandidacyFactory,
    ClientCommitmentFactory,
    ClientEvaluationFactory,
    ClientOrganisationFactory,
    CloseoutDimensionFactory,
    CloseoutFactory,
    ManagerFactory,
    walk_to_completed,
)

pytestmark = pytest.mark.django_db

DIMENSIONS = ["objectives", "context", "skills", "resources", "expectations", "timeline"]


def past(
    firm,
    director,
    manager,
    *,
    state=State.COMPLETED,
    days_ago=30,
    gap_drift=None,
    client=None,
    title=None,
    presented_days_before=60,
):
    """A final assignment `manager` ran, closed `days_ago`, with their selected candidacy."""
    extra = {"client": client} if client else {}
    if title:
        extra["title"] = title
    a = AssignmentFactory(firm=firm, director=director, **extra)
    closed_at = timezone.now() - timedelta(days=days_ago)
    Assignment.objects.filter(pk=a.pk).update(
        state=state, interim_manager=manager, closed_at=closed_at, gap_drift=gap_drift
    )
    CandidacyFactory(
        assignment=a,
        manager=manager,
        status=Candidacy.Status.SELECTED,
        presented_at=closed_at - timedelta(days=presented_days_before),
    )
    a.refresh_from_db()
    return a


def review(a, results, *, cause="", drift_at_audit=None, drift_at_close=None):
    closeout = CloseoutFactory(assignment=a)
    Closeout.objects.filter(pk=closeout.pk).update(
        drift_at_audit=drift_at_audit,
        drift_at_close=drift_at_close,
        cause=cause,
        reviewed_at=timezone.now(),
        reviewed_by_id=a.director_id,
    )
    for dimension, result in zip(DIMENSIONS, results, strict=False):
        CloseoutDimensionFactory(closeout=closeout, dimension=dimension, result=result)
    return closeout


def evaluate(a, delivery, posture, again, comment=""):
    closeout = CloseoutFactory(assignment=a)
    return ClientEvaluationFactory(
        closeout=closeout,
        delivery=delivery,
        posture=posture,
        would_engage_again=again,
        comment=comment,
        by_id=a.client_contact_id,
    )


def commitment(plan, *, due_days_ago, delivered):
    today = timezone.localdate()
    due = today - timedelta(days=due_days_ago)
    return ClientCommitmentFactory(
        plan=plan, due_date=due, delivered_on=due if delivered else None
    )


@pytest.fixture
def world(firm, director, manager, other_manager, other_firm, other_director):
    """Maya: a completed and a cancelled assignment with the firm, another firm's, one
    running; Nils: one completed without a close-out."""
    completed = past(
        firm, director, manager, days_ago=60, gap_drift=30, title="Turnaround at Ardent"
    )
    review(
        completed,
        [Achievement.ACHIEVED] * 4 + [Achievement.PARTLY, Achievement.NOT_ACHIEVED],
        drift_at_audit=40,
        drift_at_close=20,
    )
    evaluate(completed, 5, 4, True, comment="A steady hand in a storm.")
    # The first plan's commitments were copied into the revision: one promise, counted once.
    first = ActionPlanFactory(assignment=completed, version=1, status=ActionPlan.Status.SUPERSEDED)
    commitment(first, due_days_ago=90, delivered=True)
    commitment(first, due_days_ago=80, delivered=False)
    revised = ActionPlanFactory(assignment=completed, version=2)
    commitment(revised, due_days_ago=90, delivered=True)
    commitment(revised, due_days_ago=80, delivered=False)  # late: never delivered
    commitment(revised, due_days_ago=10, delivered=False)  # due after the close: not counted

    cancelled = past(
        firm,
        director,
        manager,
        state=State.CANCELLED,
        days_ago=10,
        gap_drift=50,
        title="Carve-out at Brume",
    )
    review(cancelled, [Achievement.NOT_ACHIEVED] * 2, cause=Cause.OVERSELL)
    evaluate(cancelled, 2, 3, False)
    plan = ActionPlanFactory(assignment=cancelled)
    commitment(plan, due_days_ago=20, delivered=True)
    draft = ActionPlanFactory(assignment=cancelled, version=2, status=ActionPlan.Status.DRAFT)
    commitment(draft, due_days_ago=20, delivered=False)  # never confirmed: not binding

    # Candidacies: presented and declined, and shortlisted only.
    declined = AssignmentFactory(firm=firm, director=director)
    CandidacyFactory(
        assignment=declined,
        manager=manager,
        status=Candidacy.Status.DECLINED,
        presented_at=timezone.now() - timedelta(days=5),
    )
    CandidacyFactory(assignment=AssignmentFactory(firm=firm, director=director), manager=manager)

    running = AssignmentFactory(firm=firm, director=director)
    Assignment.objects.filter(pk=running.pk).update(
        state=State.IN_PROGRESS, interim_manager=manager, gap_drift=90
    )

    elsewhere = past(
        other_firm,
        other_director,
        manager,
        days_ago=5,
        gap_drift=70,
        client=ClientOrganisationFactory(name="Secret Client of Northbridge"),
        title="Northbridge's own assignment",
    )
    evaluate(elsewhere, 1, 1, False, comment="Northbridge's client said this.")

    nils = past(firm, director, other_manager, days_ago=100, gap_drift=25)
    return {
        "completed": completed,
        "cancelled": cancelled,
        "elsewhere": elsewhere,
        "nils": nils,
    }


def test_track_record_totals_number_by_number(world, firm, manager):
    r = track_record_for(manager.pk, firm.pk)
    assert r.assignment_count == 2
    assert (r.completed, r.cancelled) == (1, 1)
    assert r.evaluations == 2
    assert r.average_delivery == 3.5
    assert r.average_posture == 3.5
    assert r.would_engage_again == 1
    assert r.would_engage_again_share == 50
    # Ardent: 2 due by the close, 1 delivered; Brume: 1 due, 1 delivered.
    assert (r.commitments_due, r.commitments_delivered) == (3, 2)
    assert r.commitments_honoured_share == 67
    # Presented: Ardent, Brume, the declined one; selected: Ardent, Brume.
    assert (r.presented, r.selected) == (3, 2)
    # At audit: 40 and Brume's fallback 50; at close: 20 and 50.
    assert (r.average_drift_at_audit, r.average_drift_at_close) == (45, 35)


def test_track_record_rows_newest_first_with_their_close_out(world, firm, manager):
    r = track_record_for(manager.pk, firm.pk)
    brume, ardent = r.assignments
    assert brume.title == "Carve-out at Brume"
    assert brume.state == State.CANCELLED
    assert (brume.drift_at_audit, brume.drift_at_close) == (50, 50)
    assert (brume.achieved, brume.partly, brume.not_achieved) == (0, 0, 2)
    assert brume.cause == Cause.OVERSELL
    assert brume.cause_label == Cause.OVERSELL.label
    assert (brume.delivery, brume.posture, brume.would_engage_again) == (2, 3, False)
    assert (brume.commitments_due, brume.commitments_delivered) == (1, 1)
    assert ardent.title == "Turnaround at Ardent"
    assert ardent.client == world["completed"].client.name
    assert ardent.closed_on == timezone.localdate(world["completed"].closed_at)
    assert (ardent.drift_at_audit, ardent.drift_at_close) == (40, 20)
    assert (ardent.achieved, ardent.partly, ardent.not_achieved) == (4, 1, 1)
    assert ardent.cause == ""
    assert ardent.evaluation_comment == "A steady hand in a storm."
    assert (ardent.commitments_due, ardent.commitments_delivered) == (2, 1)


def test_a_manager_without_a_close_out_falls_back_to_the_assignment_drift(
    world, firm, other_manager
):
    r = track_record_for(other_manager.pk, firm.pk)
    assert r.assignment_count == 1
    assert (r.average_drift_at_audit, r.average_drift_at_close) == (25, 25)
    assert r.evaluations == 0 and r.average_delivery is None
    assert r.would_engage_again_share is None and r.commitments_honoured_share is None
    (row,) = r.assignments
    assert not row.reviewed and not row.evaluated


def test_another_firms_assignments_never_appear_nor_count(world, firm, other_firm, manager):
    r = track_record_for(manager.pk, firm.pk)
    assert world["elsewhere"].pk not in [p.assignment_id for p in r.assignments]
    assert "Secret Client of Northbridge" not in [p.client for p in r.assignments]
    theirs = track_record_for(manager.pk, other_firm.pk)
    assert theirs.assignment_count == 1
    assert (theirs.average_delivery, theirs.presented, theirs.selected) == (1, 1, 1)


def test_an_admin_reads_every_firm(world, manager):
    r = track_record_for(manager.pk, None)
    assert r.assignment_count == 3
    assert (r.presented, r.selected) == (4, 3)
    assert r.average_delivery == round((5 + 2 + 1) / 3, 1)
    assert r.assignments[0].assignment_id == world["elsewhere"].pk


def test_a_manager_with_no_past_has_an_empty_record(firm, manager):
    r = track_record_for(manager.pk, firm.pk)
    assert r.is_empty and r.assignments == []


def test_rows_are_the_latest_ten_and_totals_count_them_all(firm, director, manager):
    for i in range(RECORD_ROWS + 2):
        past(firm, director, manager, days_ago=10 + i, gap_drift=i)
    r = track_record_for(manager.pk, firm.pk)
    assert r.assignment_count == RECORD_ROWS + 2
    assert len(r.assignments) == RECORD_ROWS
    assert [p.drift_at_close for p in r.assignments] == list(range(RECORD_ROWS))


def build_managers(firm, director, n):
    ids = []
    for _ in range(n):
        m = ManagerFactory(firms=[firm]).user
        for days, state in ((20, State.COMPLETED), (40, State.CANCELLED)):
            a = past(firm, director, m, state=state, days_ago=days, gap_drift=days)
            review(a, [Achievement.ACHIEVED, Achievement.PARTLY], cause=Cause.FUSE)
            evaluate(a, 4, 3, True, comment="Fine.")
            commitment(ActionPlanFactory(assignment=a), due_days_ago=days + 5, delivered=True)
        ids.append(m.pk)
    return ids


def count(ids, firm_id):
    with CaptureQueriesContext(connection) as ctx:
        records = track_records(ids, firm_id=firm_id)
    assert all(len(records[pk].assignments) == 2 for pk in ids)
    return len(ctx)


def test_track_records_cost_the_same_queries_for_two_managers_or_eight(firm, director):
    ids = build_managers(firm, director, 2)
    few = count(ids, firm.pk)
    ids += build_managers(firm, director, 6)
    assert count(ids, firm.pk) == few == 6
    assert count(ids, None) == few


# --- Beside each candidacy --------------------------------------------------------------------


@pytest.fixture
def in_selection(world, walker):
    """The assignment in selection, Maya presented on it."""
    walker.to_selection()
    c = walker.ready_candidacy()
    return walker.a, c


def detail(client, user, a):
    client.force_login(user)
    page = client.get(reverse("assignments:detail", args=[a.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_the_director_sees_the_brief_record_beside_each_candidacy(client, in_selection, director):
    a, c = in_selection
    html = detail(client, director, a)
    assert f'data-track-record="{c.manager_id}"' in html
    assert "2 assignments" in html
    assert "client delivery 3.5/5" in html
    assert "would engage again 1 of 2" in html
    # The walk presented her on this assignment too.
    assert "presented 4, selected 2" in html
    assert "drift 45 → 35" in html


def test_the_admin_sees_the_record_of_every_firm(client, in_selection, admin_user):
    a, c = in_selection
    html = detail(client, admin_user, a)
    assert f'data-track-record="{c.manager_id}"' in html
    assert "3 assignments" in html


def test_the_client_never_sees_the_record(client, in_selection, client_contact):
    a, _ = in_selection
    html = detail(client, client_contact, a)
    assert "data-track-record" not in html
    assert "client delivery" not in html
    assert "would engage again" not in html
    assert "A steady hand" not in html


def test_the_manager_never_sees_their_record_as_a_candidate(client, in_selection, manager):
    a, _ = in_selection
    html = detail(client, manager, a)
    assert "data-track-record" not in html
    assert "client delivery" not in html


def test_the_record_is_shown_during_selection_only(client, world, walker, director):
    walker.walk_to("audit")
    html = detail(client, director, walker.a)
    assert "data-track-record" not in html


def test_the_vetting_page_shows_the_full_record(client, in_selection, director):
    a, c = in_selection
    client.force_login(director)
    page = client.get(reverse("assignments:candidacy_vet", args=[a.pk, c.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="track-record"' in html
    assert "Turnaround at Ardent" in html
    assert "A steady hand in a storm." in html
    assert "Northbridge" not in html
    assert "2 of 3 (67%)" in html  # the client's commitments honoured


def test_the_record_costs_no_more_queries_with_more_candidates(
    client, firm, director, walker, django_assert_num_queries
):
    walker.to_selection()
    walker.ready_candidacy()
    client.force_login(director)
    url = reverse("assignments:detail", args=[walker.a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    few = len(ctx)
    for m in build_managers(firm, director, 3):
        CandidacyFactory(assignment=walker.a, manager_id=m)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx) == few


def test_completing_through_the_service_leaves_a_record(walker, firm, manager):
    closeout = walk_to_completed(walker)
    ClientEvaluationFactory(closeout=closeout, delivery=3, posture=5, would_engage_again=True)
    r = track_record_for(manager.pk, firm.pk)
    assert r.assignment_count == 1 and r.completed == 1
    assert r.assignments[0].assignment_id == walker.a.pk
    assert (r.average_delivery, r.would_engage_again_share) == (3, 100)
    # The walk's plan promised two analysts in ten days: not due by the close.
    assert r.commitments_due == 0


# --- The firm's mirror ------------------------------------------------------------------------


@pytest.fixture
def pressure(firm, director, manager, other_manager, other_firm, other_director):
    """Presented in the last 12 months: two low-fit (one chosen, completed), three others
    (two chosen: one cancelled, one running); one presented long ago; another firm's."""
    low = past(firm, director, manager, days_ago=20, presented_days_before=30)
    Candidacy.objects.filter(assignment=low).update(fit_rating=2)
    evaluate(low, 2, 2, False)
    CandidacyFactory(
        assignment=AssignmentFactory(firm=firm, director=director),
        fit_rating=1,
        status=Candidacy.Status.DECLINED,
        presented_at=timezone.now() - timedelta(days=3),
    )
    good = past(firm, director, other_manager, state=State.CANCELLED, days_ago=15)
    evaluate(good, 4, 4, True)
    review(good, [Achievement.PARTLY], cause=Cause.CLIENT_ORGANISATION)
    running = AssignmentFactory(firm=firm, director=director)
    Assignment.objects.filter(pk=running.pk).update(state=State.IN_PROGRESS)
    CandidacyFactory(
        assignment=running,
        status=Candidacy.Status.SELECTED,
        presented_at=timezone.now() - timedelta(days=40),
    )
    CandidacyFactory(
        assignment=running,
        status=Candidacy.Status.DECLINED,
        presented_at=timezone.now() - timedelta(days=40),
    )
    past(firm, director, manager, days_ago=300, presented_days_before=200)  # 500 days ago
    theirs = past(other_firm, other_director, manager, days_ago=5)
    Candidacy.objects.filter(assignment=theirs).update(fit_rating=1)
    return {"low": low}


def test_the_mirror_counts_the_firms_presentations(pressure, director):
    m = selectors.director_dashboard(director)["mirror"]
    assert (m["presented"], m["selected"], m["selected_pct"]) == (5, 3, 60)
    assert (m["low_presented"], m["low_selected"]) == (2, 1)
    low, other = m["rows"]
    assert (low["selected"], low["completed"], low["cancelled"], low["running"]) == (1, 1, 0, 0)
    assert (low["delivery"], low["reviewed"], low["wrong_person_pct"]) == (2, 0, None)
    assert (other["selected"], other["completed"], other["cancelled"], other["running"]) == (
        2,
        0,
        1,
        1,
    )
    assert (other["delivery"], other["reviewed"], other["wrong_person"]) == (4, 1, 0)
    assert other["wrong_person_pct"] == 0


def test_the_mirror_shows_on_the_dashboard_and_moves_with_a_new_close_out(
    client, pressure, director, django_capture_on_commit_callbacks
):
    client.force_login(director)
    html = client.get("/").content.decode()
    assert "Presented under pipeline pressure?" in html
    assert "<strong>5</strong> candidates presented" in html
    assert "<strong>2</strong> presented with a low fit rating" in html
    assert "0 of 1 (0%)" in html
    assert "1 of 1 (100%)" not in html
    firm = ProviderFirm.objects.get(pk=director.director_profile.firm_id)
    with django_capture_on_commit_callbacks(execute=True):
        review(pressure["low"], [Achievement.NOT_ACHIEVED], cause=Cause.OVERSELL)
        dashboard_changed(pressure["low"])
    assert ProviderFirm.objects.get(pk=firm.pk).dashboard_version > firm.dashboard_version
    html = client.get("/").content.decode()
    assert "1 of 1 (100%)" in html


def test_the_mirror_is_empty_without_presentations(client, director):
    client.force_login(director)
    html = client.get("/").content.decode()
    assert "No candidate presented in the last 12 months." in html


def test_the_present_page_shows_the_full_record(client, world, walker, director):
    walker.to_selection()
    c = walker.ready_candidacy(present=False)
    client.force_login(director)
    page = client.get(reverse("assignments:candidacy_present", args=[walker.a.pk, c.pk]))
    assert page.status_code == 200
    assert "Carve-out at Brume" in page.content.decode()


def test_another_firms_director_sees_only_their_own_mirror(client, pressure, other_director):
    m = selectors.director_dashboard(other_director)["mirror"]
    assert (m["presented"], m["selected"], m["low_presented"], m["low_selected"]) == (1, 1, 1, 1)


def test_an_admins_mirror_counts_every_firm(pressure, admin_user):
    m = selectors.director_dashboard(admin_user)["mirror"]
    assert (m["presented"], m["low_presented"]) == (6, 3)


def test_presenting_a_candidate_moves_the_mirror(
    client, walker, director, django_capture_on_commit_callbacks
):
    walker.to_selection()
    c = walker.ready_candidacy(present=False)
    client.force_login(director)
    assert "No candidate presented in the last 12 months." in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.candidacy_present(candidacy=c, user=director)
    html = client.get("/").content.decode()
    assert "<strong>1</strong> candidate presented" in html


def test_a_director_who_is_the_client_here_sees_no_record(client, in_selection, cast):
    a, _ = in_selection
    html = detail(client, cast["director_and_client"], a)
    assert "data-track-record" not in html

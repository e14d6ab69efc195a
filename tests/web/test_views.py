"""Every page and form per party: the happy path and a refusal that changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assignments import services
from assignments.models import (
    ActionPlan,
    Assignment,
    AuditReport,
    BriefItem,
    Candidacy,
    Flag,
    Notification,
    ProgressMeeting,
    State,
)
from assignments.services.meetings import working_day
from tests.factories import DirectorFactory, FlagFactory, ManagerFactory

DIMS = ["objectives", "context", "skills", "resources", "expectations", "timeline"]


def as_(client, user):
    client.force_login(user)
    return client


def text(response):
    return response.content.decode()


def url(a, tail=""):
    return f"/assignments/{a.pk}/{tail}"


# --- Creating and briefing ----------------------------------------------------------------


def test_director_records_a_new_assignment(client, director, client_contact):
    response = as_(client, director).post(
        "/assignments/new/",
        {"title": "Interim CFO", "client_contact": client_contact.pk, "review_cadence_days": 21},
    )
    a = Assignment.objects.get(title="Interim CFO")
    assert response["Location"] == url(a, "brief/")
    assert (a.director, a.client_contact, a.review_cadence_days) == (
        director,
        client_contact,
        21,
    )
    assert a.brief_items.count() == 6


def test_creating_without_a_title_shows_the_error_and_saves_nothing(
    client, director, client_contact
):
    before = Assignment.objects.count()
    response = as_(client, director).post(
        "/assignments/new/", {"title": "", "client_contact": client_contact.pk}
    )
    assert response.status_code == 200
    assert "This field is required" in text(response)
    assert Assignment.objects.count() == before


def test_only_directors_record_assignments(client, manager):
    assert as_(client, manager).get("/assignments/new/").status_code == 403


def test_director_writes_the_brief(client, assignment, director):
    data = {d: f"About {d}" for d in DIMS} | {"summary": "A CFO for six months."}
    response = as_(client, director).post(url(assignment, "brief/"), data)
    assert response.status_code == 302
    assert BriefItem.objects.get(assignment=assignment, dimension="timeline").statement == (
        "About timeline"
    )


def test_the_brief_is_frozen_once_the_audit_starts(client, walker):
    walker.to_audit()
    response = as_(client, walker.director).post(
        url(walker.a, "brief/"), dict.fromkeys(DIMS, "Changed")
    )
    assert response.status_code == 200
    assert "cannot edit the brief" in text(response)
    assert not BriefItem.objects.filter(statement="Changed").exists()


# --- Transitions over HTTP ----------------------------------------------------------------


def test_open_selection_by_post(client, walker):
    walker.fill_brief()
    response = as_(client, walker.director).post(
        url(walker.a, "transition/open_selection/"), {"comment": "Go", "seen_state": "brief"}
    )
    assert response.status_code == 302
    walker.a.refresh_from_db()
    assert walker.a.state == State.SELECTION
    assert walker.a.history.get().comment == "Go"


def test_a_guard_refusal_is_shown_and_changes_nothing(client, walker):
    response = as_(client, walker.director).post(url(walker.a, "transition/open_selection/"))
    assert response.status_code == 409
    assert "The brief has no announced statement for" in text(response)
    walker.a.refresh_from_db()
    assert walker.a.state == State.BRIEF


def test_a_stale_page_is_told_the_assignment_changed(client, walker):
    walker.to_selection()
    response = as_(client, walker.director).post(
        url(walker.a, "transition/cancel/"),
        {"reason": "Too late", "seen_state": "brief"},
        follow=True,
    )
    assert "This assignment changed meanwhile" in text(response)
    walker.a.refresh_from_db()
    assert walker.a.state == State.SELECTION


def test_transition_page_explains_what_is_missing(client, walker):
    response = as_(client, walker.director).get(url(walker.a, "transition/open_selection/"))
    assert response.status_code == 200
    assert "Not available yet" in text(response)


def test_realignment_needs_a_reason(client, walker):
    walker.to_in_progress()
    response = as_(client, walker.director).post(url(walker.a, "transition/start_realignment/"))
    assert response.status_code == 400
    assert "This field is required" in text(response)
    walker.a.refresh_from_db()
    assert walker.a.state == State.IN_PROGRESS


def test_the_assignment_page_offers_only_what_the_user_may_do(client, walker):
    walker.to_in_progress()
    director_page = text(as_(client, walker.director).get(url(walker.a)))
    assert 'data-transition="complete"' in director_page
    client_page = text(as_(client, walker.client).get(url(walker.a)))
    assert 'data-transition="complete"' not in client_page
    assert 'id="transitions"' not in client_page


# --- Selection ------------------------------------------------------------------------------


def test_director_shortlists_vets_negotiates_and_presents(client, walker):
    walker.to_selection()
    c = as_(client, walker.director)
    response = c.post(url(walker.a, "candidates/add/"), {"manager": walker.manager.pk})
    cand = Candidacy.objects.get(assignment=walker.a)
    assert response["Location"] == url(walker.a, f"candidates/{cand.pk}/vet/")
    vetting = dict.fromkeys(Candidacy.VETTING_FIELDS, "on") | {
        "fit_rating": 4,
        "fit_rationale": "Fits.",
        "proposed_day_rate": "1300",
        "currency": "EUR",
    }
    assert c.post(url(walker.a, f"candidates/{cand.pk}/vet/"), vetting).status_code == 302
    assert (
        c.post(
            url(walker.a, f"candidates/{cand.pk}/negotiate/"),
            {"offered_by": "client", "day_rate": "1250", "agreed": "on"},
        ).status_code
        == 302
    )
    assert c.post(url(walker.a, f"candidates/{cand.pk}/present/")).status_code == 302
    cand.refresh_from_db()
    assert (cand.status, cand.agreed_day_rate, cand.rounds.count()) == ("presented", 1250, 1)


def test_a_manager_outside_the_pool_cannot_be_shortlisted(client, walker, other_firm):
    walker.to_selection()
    outsider = ManagerFactory(firms=[other_firm]).user
    response = as_(client, walker.director).post(
        url(walker.a, "candidates/add/"), {"manager": outsider.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not Candidacy.objects.exists()


def test_presenting_an_unvetted_candidate_is_refused(client, walker):
    walker.to_selection()
    cand = walker.ready_candidacy(present=False, agree=False)
    Candidacy.objects.filter(pk=cand.pk).update(vetted_references=False)
    response = as_(client, walker.director).post(url(walker.a, f"candidates/{cand.pk}/present/"))
    assert "vetting of" in text(response) and "references checked" in text(response)
    cand.refresh_from_db()
    assert cand.status == "shortlisted"


def test_a_negative_day_rate_is_refused(client, walker):
    walker.to_selection()
    cand = walker.ready_candidacy(agree=False)
    response = as_(client, walker.director).post(
        url(walker.a, f"candidates/{cand.pk}/negotiate/"), {"offered_by": "firm", "day_rate": "-5"}
    )
    assert response.status_code == 200
    assert not cand.rounds.exists()


def test_the_client_chooses_a_presented_candidate(client, walker):
    walker.to_selection()
    cand = walker.ready_candidacy()
    response = as_(client, walker.client).post(
        url(walker.a, "transition/select_manager/"), {"candidacy": cand.pk}
    )
    assert response.status_code == 302
    walker.a.refresh_from_db()
    assert (walker.a.state, walker.a.interim_manager) == (State.AUDIT, walker.manager)


def test_the_client_sees_only_presented_candidates_and_no_internal_notes(client, walker):
    walker.to_selection()
    presented = walker.ready_candidacy()
    hidden = walker.ready_candidacy(ManagerFactory(firms=[walker.a.firm]).user, present=False)
    Candidacy.objects.filter(pk=presented.pk).update(internal_notes="Margin 30% – secret")
    page = text(as_(client, walker.client).get(url(walker.a)))
    assert str(presented.manager) in page
    assert str(hidden.manager) not in page
    assert "Margin 30%" not in page
    assert "Round 1" not in page
    director_page = text(as_(client, walker.director).get(url(walker.a)))
    assert "Margin 30%" in director_page and str(hidden.manager) in director_page


def test_a_mere_candidate_sees_a_summary_only(client, walker):
    walker.to_selection()
    other = ManagerFactory(firms=[walker.a.firm]).user
    walker.ready_candidacy(other, present=False)
    page = as_(client, other).get(url(walker.a))
    assert page.status_code == 200
    assert "You are a candidate" in text(page)
    assert "The client's brief" not in text(page)
    assert as_(client, other).get(url(walker.a, "brief/")).status_code == 404


# --- Audit --------------------------------------------------------------------------------


def audit_data(level=1, **overrides):
    data = {"summary": "Found on site."}
    for d in DIMS:
        data[f"{d}_finding"] = f"Found about {d}"
        data[f"{d}_level"] = level
    return data | overrides


def test_manager_drafts_then_submits_the_audit(client, walker):
    walker.to_audit()
    c = as_(client, walker.manager)
    response = c.post(url(walker.a, "audit/start/"))
    report = AuditReport.objects.get(assignment=walker.a)
    assert response["Location"] == url(walker.a, f"audit/{report.pk}/")
    assert c.post(url(walker.a, f"audit/{report.pk}/"), audit_data()).status_code == 302
    report.refresh_from_db()
    assert report.status == "draft"
    c.post(url(walker.a, f"audit/{report.pk}/"), audit_data(submit="1"))
    report.refresh_from_db()
    assert report.status == "submitted"


def test_submitting_an_incomplete_audit_is_refused_and_keeps_the_draft(client, walker):
    walker.to_audit()
    c = as_(client, walker.manager)
    c.post(url(walker.a, "audit/start/"))
    report = AuditReport.objects.get(assignment=walker.a)
    response = c.post(
        url(walker.a, f"audit/{report.pk}/"), audit_data(submit="1", timeline_finding="")
    )
    assert response.status_code == 200
    assert "no finding for: Timeline" in text(response)
    report.refresh_from_db()
    assert report.status == "draft"
    assert report.findings.get(dimension="objectives").finding == "Found about objectives"


def test_director_returns_an_audit_with_a_comment(client, walker):
    walker.to_audit()
    report = walker.submitted_report()
    c = as_(client, walker.director)
    assert c.post(url(walker.a, f"audit/{report.pk}/return/")).status_code == 400
    report.refresh_from_db()
    assert report.status == "submitted"
    c.post(url(walker.a, f"audit/{report.pk}/return/"), {"comment": "Resources?"})
    report.refresh_from_db()
    assert (report.status, report.review_comment) == ("returned", "Resources?")


def test_director_accepts_the_audit(client, walker):
    walker.to_audit()
    report = walker.submitted_report()
    as_(client, walker.director).post(
        url(walker.a, "transition/accept_audit/"), {"report": report.pk}
    )
    walker.a.refresh_from_db()
    assert walker.a.state == State.ACTION_PLAN
    assert walker.a.gap_drift == 33


def test_the_page_compares_brief_and_audit_per_dimension(client, walker):
    walker.to_action_plan()
    page = text(as_(client, walker.director).get(url(walker.a)))
    assert "What the client announced about resources." in page
    assert "What the audit found about resources." in page
    assert 'id="gap-chart"' in page


# --- Action plan ----------------------------------------------------------------------------


def plan_data(**extra):
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    return {
        "summary": "Plan",
        "milestones-TOTAL_FORMS": 1,
        "milestones-INITIAL_FORMS": 0,
        "milestones-0-title": "Diagnostic",
        "milestones-0-owner": "Manager",
        "milestones-0-due_date": due,
        "milestones-0-status": "planned",
        "commitments-TOTAL_FORMS": 1,
        "commitments-INITIAL_FORMS": 0,
        "commitments-0-kind": "resources",
        "commitments-0-description": "Two analysts",
        "commitments-0-due_date": due,
    } | extra


def test_the_plan_is_drafted_edited_and_confirmed_by_each_party(client, walker):
    walker.to_action_plan()
    c = as_(client, walker.manager)
    c.post(url(walker.a, "plan/new/"))
    plan = ActionPlan.objects.get(assignment=walker.a)
    assert c.post(url(walker.a, f"plan/{plan.pk}/"), plan_data()).status_code == 302
    assert (plan.milestones.count(), plan.commitments.count()) == (1, 1)
    for user in (walker.manager, walker.client, walker.director):
        as_(client, user).post(url(walker.a, f"plan/{plan.pk}/confirm/"))
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.CONFIRMED


def test_a_plan_row_without_its_due_date_is_refused_and_nothing_is_saved(client, walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    response = as_(client, walker.director).post(
        url(walker.a, f"plan/{plan.pk}/"),
        plan_data(**{"milestones-0-due_date": "", "summary": "Changed"}),
    )
    assert response.status_code == 400
    assert "This field is required" in text(response)
    plan.refresh_from_db()
    assert plan.summary == "The plan."
    assert plan.milestones.get().title == "Diagnostic"


def test_confirming_twice_is_refused_with_a_message(client, walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    c = as_(client, walker.client)
    c.post(url(walker.a, f"plan/{plan.pk}/confirm/"))
    response = c.post(url(walker.a, f"plan/{plan.pk}/confirm/"), follow=True)
    assert "already confirmed this plan version" in text(response)
    assert plan.confirmations.count() == 1


def test_a_commitment_is_marked_delivered_in_place(client, walker):
    walker.to_in_progress()
    commitment = walker.a.action_plans.get().commitments.get()
    response = as_(client, walker.client).post(
        url(walker.a, f"commitments/{commitment.pk}/delivered/"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "delivered" in text(response) and "<html" not in text(response)
    commitment.refresh_from_db()
    assert commitment.delivered_on == timezone.localdate()


def test_a_delivery_in_the_future_is_refused(client, walker):
    walker.to_in_progress()
    commitment = walker.a.action_plans.get().commitments.get()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = as_(client, walker.client).post(
        url(walker.a, f"commitments/{commitment.pk}/delivered/"),
        {"delivered_on": tomorrow},
        follow=True,
    )
    assert "cannot be in the future" in text(response)
    commitment.refresh_from_db()
    assert commitment.delivered_on is None


# --- Meetings and flags ---------------------------------------------------------------------


def meeting_data(held_on, **extra):
    data = {
        "held_on": held_on.isoformat(),
        "summary": "On track",
        "manager_workload": 3,
        "manager_strain": 2,
        "opportunities": "A treasurer role",
    }
    data |= {f"rating_{d}": 1 for d in DIMS}
    return data | extra


def test_a_progress_meeting_is_recorded_and_the_next_scheduled(client, walker):
    walker.to_in_progress()
    meeting = walker.a.meetings.get()
    today = timezone.localdate()
    response = as_(client, walker.manager).post(
        url(walker.a, f"meetings/{meeting.pk}/record/"), meeting_data(today)
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.drift_score) == ("held", 33)
    nxt = walker.a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    assert nxt.scheduled_for == working_day(today + timedelta(days=walker.a.review_cadence_days))


def test_a_meeting_held_in_the_future_is_refused(client, walker):
    walker.to_in_progress()
    meeting = walker.a.meetings.get()
    response = as_(client, walker.director).post(
        url(walker.a, f"meetings/{meeting.pk}/record/"),
        meeting_data(timezone.localdate() + timedelta(days=3)),
    )
    assert response.status_code == 200
    assert "cannot be recorded as held in the future" in text(response)
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_director_schedules_and_marks_a_meeting_missed(client, walker):
    walker.to_in_progress()
    meeting = walker.a.meetings.get()
    c = as_(client, walker.director)
    day = timezone.localdate() + timedelta(days=5)
    c.post(url(walker.a, "meetings/schedule/"), {"scheduled_for": day.isoformat()})
    meeting.refresh_from_db()
    assert meeting.scheduled_for == day
    c.post(url(walker.a, f"meetings/{meeting.pk}/missed/"))
    meeting.refresh_from_db()
    assert meeting.status == "missed"
    assert walker.a.meetings.filter(status="scheduled").count() == 1


def test_a_flag_is_resolved_with_a_comment(client, walker):
    flag = FlagFactory(assignment=walker.a)
    c = as_(client, walker.director)
    response = c.post(url(walker.a, f"flags/{flag.pk}/resolve/"), {"comment": ""})
    assert response.status_code == 200
    flag.refresh_from_db()
    assert flag.resolved_at is None
    c.post(url(walker.a, f"flags/{flag.pk}/resolve/"), {"comment": "Budget released."})
    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (walker.director, "Budget released.")
    history = text(c.get(url(walker.a)))
    assert "resolved by" in history and "Budget released." in history


def test_the_client_cannot_resolve_flags_nor_learn_that_one_exists(client, walker):
    flag = FlagFactory(assignment=walker.a)
    as_(client, walker.client)
    response = client.post(url(walker.a, f"flags/{flag.pk}/resolve/"), {"comment": "x"})
    missing = client.post(url(walker.a, "flags/999999/resolve/"), {"comment": "x"})
    assert response.status_code == missing.status_code == 404
    assert Flag.objects.get(pk=flag.pk).resolved_at is None


# --- Homes, lists, notifications, roles -----------------------------------------------------


def test_each_role_gets_its_own_home(client, walker):
    walker.to_in_progress()
    assert "Needs attention" in text(as_(client, walker.director).get("/"))
    assert "Assignments you are on" in text(as_(client, walker.manager).get("/"))
    assert "Candidates presented for your choice" in text(as_(client, walker.client).get("/"))


def test_a_user_with_two_roles_switches(client, walker):
    DirectorFactory(user=walker.manager, firm=walker.a.firm)
    c = as_(client, walker.manager)
    assert "Needs attention" in text(c.get("/"))
    c.post("/accounts/role/", {"role": "manager"})
    assert "Assignments you are on" in text(c.get("/"))
    response = c.post("/accounts/role/", {"role": "client"}, follow=True)
    assert "You do not have that role" in text(response)


def test_the_list_filters_searches_and_is_scoped(client, walker, other_director):
    walker.to_selection()
    c = as_(client, walker.director)
    assert walker.a.title in text(c.get("/assignments/?state=selection"))
    assert walker.a.title not in text(c.get("/assignments/?state=audit"))
    assert walker.a.title in text(c.get(f"/assignments/?q={walker.a.client.name}"))
    assert walker.a.title not in text(as_(client, other_director).get("/assignments/"))
    page = as_(client, walker.director).get("/assignments/?state=bogus&client=x&sort=evil&page=99")
    assert page.status_code == 200


def test_notifications_are_listed_read_and_counted(client, walker):
    n = Notification.objects.create(
        recipient=walker.director,
        assignment=walker.a,
        key="k",
        subject="Review due",
        body="Soon.",
        reason="You direct this assignment.",
        url=url(walker.a),
    )
    c = as_(client, walker.director)
    page = text(c.get("/notifications/"))
    assert "Review due" in page and "You direct this assignment." in page
    assert 'data-testid="unread-count">1' in text(c.get("/"))
    response = c.post(f"/notifications/{n.pk}/read/", {"follow": "1"})
    assert response["Location"] == url(walker.a)
    n.refresh_from_db()
    assert n.read_at is not None
    assert 'data-testid="unread-count"' not in text(c.get("/"))


def test_someone_elses_notification_is_404(client, walker):
    n = Notification.objects.create(recipient=walker.director, key="k", subject="s", body="b")
    assert as_(client, walker.client).post(f"/notifications/{n.pk}/read/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/assignments/abc/",
        "/assignments/1/transition/complete/",
        "/assignments/1/candidates/99/vet/",
        "/assignments/1/plan/99/",
        "/assignments/1/flags/99/resolve/",
    ],
)
def test_nonsense_addresses_are_404_not_500(client, director, path):
    assert as_(client, director).get(path).status_code == 404


def test_realignment_and_resumption_through_the_pages(client, walker):
    walker.to_in_progress()
    d = as_(client, walker.director)
    d.post(url(walker.a, "transition/start_realignment/"), {"reason": "Budget frozen."})
    walker.a.refresh_from_db()
    assert walker.a.state == State.REALIGNMENT
    refused = d.post(url(walker.a, "transition/resume_progress/"))
    assert refused.status_code == 409
    assert "needs a revised action plan" in text(refused)
    d.post(url(walker.a, "plan/new/"))
    revised = ActionPlan.objects.get(assignment=walker.a, version=2)
    d.post(url(walker.a, f"plan/{revised.pk}/"), plan_data(summary="Revised plan"))
    for user in (walker.director, walker.manager, walker.client):
        as_(client, user).post(url(walker.a, f"plan/{revised.pk}/confirm/"))
    as_(client, walker.director).post(url(walker.a, "transition/resume_progress/"))
    walker.a.refresh_from_db()
    assert walker.a.state == State.IN_PROGRESS
    assert ActionPlan.objects.get(assignment=walker.a, version=1).status == "superseded"


def test_cancel_with_a_reason_through_the_page(client, walker):
    c = as_(client, walker.director)
    assert c.post(url(walker.a, "transition/cancel/"), {"reason": ""}).status_code == 400
    c.post(url(walker.a, "transition/cancel/"), {"reason": "Hired internally."})
    walker.a.refresh_from_db()
    assert (walker.a.state, walker.a.cancel_reason) == (State.CANCELLED, "Hired internally.")


def test_the_client_sees_the_audit_only_once_accepted(client, walker):
    walker.to_audit()
    report = walker.submitted_report()
    c = as_(client, walker.client)
    assert "What the audit found about resources." not in text(c.get(url(walker.a)))
    services.assignment_accept_audit(assignment=walker.a, user=walker.director, report=report)
    assert "What the audit found about resources." in text(c.get(url(walker.a)))


def test_flags_and_the_managers_strain_stay_on_the_provider_side(client, walker):
    walker.to_in_progress()
    meeting = walker.a.meetings.get()
    as_(client, walker.manager).post(
        url(walker.a, f"meetings/{meeting.pk}/record/"),
        meeting_data(timezone.localdate(), manager_strain=5),
    )
    FlagFactory(assignment=walker.a, kind="manager_strain", message="The manager is worn out.")
    client_page = text(as_(client, walker.client).get(url(walker.a)))
    assert "worn out" not in client_page and "strain 5/5" not in client_page
    assert 'id="flags"' not in client_page
    assert "Flags</th>" not in text(client.get("/assignments/"))
    director_page = text(as_(client, walker.director).get(url(walker.a)))
    assert "worn out" in director_page and "strain 5/5" in director_page

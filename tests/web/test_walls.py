"""The walls between the parties, at their edges: filters, sort orders, chart data, the
timeline, two-role users, flags about the manager, and the firm's own client list. Each
test here failed before access was decided in one place."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import Assignment, ProgressMeeting
from assignments.services.drift import audit_drift_flag
from partners.models import ClientContact, DirectorProfile
from tests.factories import (
    AssignmentFactory,
    ClientContactFactory,
    ClientOrganisationFactory,
    DirectorFactory,
    FirmFactory,
    FlagFactory,
    ManagerFactory,
    Walker,
)

HIGH = {d: (f"Found about {d}.", 3) for d in DIMENSIONS}  # drift 100
LOW = {
    d: (f"Found about {d}.", lvl) for d, lvl in zip(DIMENSIONS, (1, 0, 0, 0, 0, 0), strict=True)
}


def charts(response):
    found = re.search(
        r'<script id="assignment-charts" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


def listed(client, **params):
    response = client.get(reverse("assignments:list"), params)
    assert response.status_code == 200
    return response, [a.pk for a in response.context["page"]]


def submitted_with_drift(walker, findings):
    """An assignment in audit whose report is submitted and scored (as the worker would)."""
    walker.walk_to("audit")
    report = walker.submitted_report(findings)
    audit_drift_flag(report.pk)
    walker.a.refresh_from_db()
    assert walker.a.gap_drift is not None
    return walker.a


# --- 1. The provider's flags as a filter -----------------------------------------------------


def test_a_client_learns_nothing_from_the_flag_filter(client, walker, client_contact):
    walker.walk_to("in_progress")
    FlagFactory(assignment=walker.a, kind="fuse_risk", key="fuse:wall")
    client.force_login(client_contact)
    answers = {kind: listed(client, flag=kind)[1] for kind in ("fuse_risk", "review_overdue")}
    assert answers["fuse_risk"] == answers["review_overdue"]
    response, _ = listed(client)
    assert "Open flag" not in response.content.decode()


def test_the_director_still_filters_by_flag(client, walker, director):
    walker.walk_to("in_progress")
    FlagFactory(assignment=walker.a, kind="fuse_risk", key="fuse:wall")
    client.force_login(director)
    assert listed(client, flag="fuse_risk")[1] == [walker.a.pk]
    assert listed(client, flag="review_overdue")[1] == []


# --- 2. The audit before the director accepts it ---------------------------------------------


def test_the_client_page_carries_no_drift_of_an_unaccepted_audit(client, walker, client_contact):
    a = submitted_with_drift(walker, HIGH)
    client.force_login(client_contact)
    response = client.get(a.get_absolute_url())
    assert charts(response)["drift"] == []
    assert set(charts(response)["audit"]) == {None}
    assert response.context["drift"] is None
    assert "100" not in response.content.decode().split('id="header"')[1].split("</header>")[0]


def test_the_director_sees_the_submitted_drift(client, walker, director):
    a = submitted_with_drift(walker, HIGH)
    client.force_login(director)
    response = client.get(a.get_absolute_url())
    assert [p["score"] for p in charts(response)["drift"]] == [100]
    assert response.context["drift"] == 100


def test_sorting_by_drift_tells_a_client_nothing_before_acceptance(
    client, firm, director, assignment, client_contact
):
    older = assignment
    newer = AssignmentFactory(
        firm=firm, director=director, client=older.client, client_contact=client_contact
    )
    submitted_with_drift(Walker(older, ManagerFactory(firms=[firm]).user), HIGH)
    submitted_with_drift(Walker(newer, ManagerFactory(firms=[firm]).user), LOW)
    client.force_login(director)
    assert listed(client, sort="drift")[1] == [older.pk, newer.pk]  # by drift
    client.force_login(client_contact)
    assert listed(client, sort="drift")[1] == [newer.pk, older.pk]  # newest first, as ties
    assert all(a.visible_drift is None for a in listed(client)[0].context["page"])


def test_after_a_cancel_in_audit_the_client_list_shows_no_score(
    client, walker, director, client_contact
):
    a = submitted_with_drift(walker, HIGH)
    services.assignment_cancel(assignment=a, user=director, reason="The client withdrew.")
    client.force_login(client_contact)
    response, pks = listed(client)
    assert pks == [a.pk]
    assert response.context["page"][0].visible_drift is None
    assert charts(client.get(a.get_absolute_url()))["drift"] == []


def test_once_accepted_the_client_sees_the_drift(client, walker, director, client_contact):
    a = submitted_with_drift(walker, HIGH)
    services.assignment_accept_audit(assignment=a, user=director, report=a.audit_reports.get())
    client.force_login(client_contact)
    response = client.get(a.get_absolute_url())
    assert [p["score"] for p in charts(response)["drift"]] == [100]
    assert listed(client)[0].context["page"][0].visible_drift == 100


# --- 3. A person with two roles is the party they are on each assignment ---------------------


@pytest.fixture
def elsewhere(db):
    """Another firm's running assignment at an organisation, with everything a director's
    dashboard shows: an open flag, an overdue commitment, a meeting soon, an opportunity."""
    firm = FirmFactory(name="Elsewhere Partners")
    a = AssignmentFactory(firm=firm)
    walker = Walker(a, ManagerFactory(firms=[firm]).user)
    walker.walk_to("in_progress")
    services.meeting_record(
        meeting=a.meetings.get(),
        user=a.director,
        held_on=a.started_on,
        ratings=dict.fromkeys(DIMENSIONS, 1),
        summary="Held.",
        opportunities="The group plans a second plant.",
    )
    services.meeting_schedule(
        assignment=a, user=a.director, scheduled_for=a.started_on + timedelta(days=3)
    )
    FlagFactory(assignment=a, kind="manager_strain", key="strain:elsewhere")
    plan = a.action_plans.get()
    plan.commitments.update(due_date=a.started_on.replace(year=a.started_on.year - 1))
    a.refresh_from_db()
    return a


def two_roles(organisation, *, director_of=None, manager_of=None):
    if director_of is not None:
        user = DirectorFactory(firm=director_of).user
    else:
        user = ManagerFactory(firms=[manager_of]).user
    ClientContact.objects.create(user=user, organisation=organisation)
    return user


def test_a_director_who_is_a_client_elsewhere_sees_none_of_that_firms_warnings(
    client, elsewhere, firm
):
    user = two_roles(elsewhere.client, director_of=firm)
    client.force_login(user)
    response = client.get("/")
    context = response.context
    assert context["flags"] == [] and context["open_flag_total"] == 0
    assert context["commitments"] == [] and context["upcoming"] == []
    assert context["opportunities"] == [] and context["overdue_reviews"] == []
    assert sum(context["pipeline_chart"]["counts"]) == 0  # the chart's data, too
    assert "second plant" not in response.content.decode()
    # In the list the assignment is there (as the client sees it), without its flags.
    response, pks = listed(client)
    assert pks == [elsewhere.pk]
    assert response.context["page"][0].open_flags is None


def test_a_manager_who_is_a_client_elsewhere_sees_none_of_that_firms_warnings(
    client, elsewhere, firm
):
    user = two_roles(elsewhere.client, manager_of=firm)
    client.force_login(user)
    response, pks = listed(client)
    assert pks == [elsewhere.pk]
    assert response.context["page"][0].open_flags is None
    page = client.get(elsewhere.get_absolute_url())
    assert page.context["flags"] == [] and not page.context["can"]["see_flags"]
    assert "second plant" not in page.content.decode()
    assert listed(client, flag="manager_strain")[1] == []


def test_a_director_is_still_a_director_on_their_own_firms_assignments(client, walker, director):
    walker.walk_to("in_progress")
    FlagFactory(assignment=walker.a, kind="fuse_risk", key="fuse:own")
    ClientContact.objects.create(user=director, organisation=ClientOrganisationFactory())
    client.force_login(director)
    assert client.get("/").context["open_flag_total"] == 1


# --- 4. New business is the provider's ------------------------------------------------------


def test_the_client_never_sees_the_opportunities_of_a_meeting(client, elsewhere):
    client.force_login(elsewhere.client_contact)
    response = client.get(elsewhere.get_absolute_url())
    assert "second plant" not in response.content.decode()
    client.force_login(elsewhere.director)
    assert "second plant" in client.get(elsewhere.get_absolute_url()).content.decode()


# --- 5. A manager never resolves the warnings about themselves ------------------------------


@pytest.mark.parametrize("kind", ["manager_strain", "fuse_risk", "gap_drift", "direction_change"])
def test_a_manager_cannot_resolve_the_directors_warning(client, walker, manager, kind):
    walker.walk_to("in_progress")
    flag = FlagFactory(assignment=walker.a, kind=kind, key=f"{kind}:wall")
    client.force_login(manager)
    url = reverse("assignments:flag_resolve", args=[walker.a.pk, flag.pk])
    response = client.post(url, {"comment": "I'm fine, really."})
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.is_open


def test_a_manager_may_close_an_overdue_review(walker, manager):
    walker.walk_to("in_progress")
    flag = FlagFactory(assignment=walker.a, kind="review_overdue", key="review:wall")
    services.flag_resolve(flag=flag, user=manager, comment="Held on Tuesday.")
    flag.refresh_from_db()
    assert not flag.is_open and flag.resolved_by == manager


def test_the_director_resolves_a_strain_flag(client, walker, director):
    walker.walk_to("in_progress")
    flag = FlagFactory(assignment=walker.a, kind="manager_strain", key="strain:wall")
    client.force_login(director)
    url = reverse("assignments:flag_resolve", args=[walker.a.pk, flag.pk])
    assert client.post(url, {"comment": "We talked; support added."}).status_code == 302
    flag.refresh_from_db()
    assert not flag.is_open


# --- 7. A firm sees only the client organisations it works with -----------------------------


def test_the_new_assignment_form_offers_only_the_firms_clients(client, director, firm):
    ours = ClientContactFactory(user__full_name="Olivia Ours").user
    firm.clients.add(ours.client_profile.organisation)
    theirs = ClientContactFactory(user__full_name="Theo Theirs").user
    client.force_login(director)
    response = client.get(reverse("assignments:create"))
    choices = list(response.context["form"].fields["client_contact"].queryset)
    assert ours in choices and theirs not in choices
    assert "Theo Theirs" not in response.content.decode()
    before = Assignment.objects.count()
    response = client.post(
        reverse("assignments:create"),
        {"title": "Turnaround", "client_contact": theirs.pk, "review_cadence_days": 28},
    )
    assert response.status_code == 200 and Assignment.objects.count() == before
    assert response.context["form"].errors["client_contact"]


def test_the_service_refuses_an_organisation_outside_the_firms_list(director, firm):
    outsider = ClientContactFactory().user
    with pytest.raises(services.Refused, match="not among"):
        services.assignment_create(
            user=director,
            firm=firm,
            client=outsider.client_profile.organisation,
            client_contact=outsider,
            title="Turnaround",
        )


def test_scheduled_meetings_of_other_firms_are_not_on_the_dashboard(client, elsewhere, firm):
    user = DirectorProfile.objects.create(
        user=ClientContactFactory(organisation=elsewhere.client).user, firm=firm
    ).user
    client.force_login(user)
    assert ProgressMeeting.objects.filter(assignment=elsewhere, status="scheduled").exists()
    assert client.get("/").context["upcoming"] == []

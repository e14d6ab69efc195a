"""Every list of the API costs a fixed number of queries, whatever the amount of data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from zeal import zeal_ignore

from assignments.constants import DIMENSIONS
from assignments.models import (
    ActionPlan,
    AuditFinding,
    AuditReport,
    Candidacy,
    ClientCommitment,
    MeetingRating,
    Milestone,
    NegotiationRound,
    Notification,
    Opportunity,
    PlanConfirmation,
    ProgressMeeting,
)
from partners.models import User
from tests.factories import AssignmentFactory, CandidacyFactory, FlagFactory

LISTS = (
    "/api/assignments/",
    "/api/assignments/{pk}/candidacies/",
    "/api/assignments/{pk}/audit-reports/",
    "/api/assignments/{pk}/action-plans/",
    "/api/assignments/{pk}/meetings/",
    "/api/assignments/{pk}/flags/",
    "/api/notifications/",
)
# The pinned ceilings, by list: the caller's three profiles (director, manager, client) are
# read by every call that asks `access`, then the assignment, the page's count and its rows
# with what they carry.
CEILING = {
    "assignments": 5,
    "candidacies": 8,
    "audit-reports": 7,
    "action-plans": 9,
    "meetings": 8,
    "flags": 6,
    "notifications": 2,
}
# The client's flags are 404 (one query fewer); the others read every list.
ROLES = ("director", "manager", "client", "admin")


def grow(world, cast, n, start):
    """`n` more of everything each list shows, numbered from `start`."""
    a, today = world["a"], timezone.localdate()
    director, manager, client = cast["director"], cast["manager"], cast["client"]
    for i in range(start, start + n):
        AssignmentFactory(firm=a.firm, client=a.client, director=director, client_contact=client)
        c = CandidacyFactory(
            assignment=a, status=Candidacy.Status.DECLINED, presented_at=timezone.now()
        )
        NegotiationRound.objects.create(candidacy=c, number=1, offered_by="firm", day_rate=900)
        report = AuditReport.objects.create(
            assignment=a, version=i + 1, status=AuditReport.Status.RETURNED, author=manager
        )
        AuditFinding.objects.bulk_create(
            AuditFinding(report=report, dimension=d, finding="Found.", gap_level=1)
            for d in DIMENSIONS
        )
        plan = ActionPlan.objects.create(
            assignment=a, version=i + 1, status=ActionPlan.Status.DRAFT, created_by=director
        )
        Milestone.objects.create(plan=plan, title="Step", owner="Manager", due_date=today)
        ClientCommitment.objects.create(plan=plan, description="People", due_date=today)
        PlanConfirmation.objects.create(plan=plan, party="director", user=director)
        meeting = ProgressMeeting.objects.create(
            assignment=a,
            scheduled_for=today - timedelta(days=i),
            status=ProgressMeeting.Status.HELD,
            held_on=today - timedelta(days=i),
            recorded_by=director,
            opportunities="More work.",
        )
        MeetingRating.objects.bulk_create(
            MeetingRating(meeting=meeting, dimension=d, level=1) for d in DIMENSIONS
        )
        Opportunity.objects.create(
            firm=a.firm,
            client=a.client,
            description="Lead",
            owner=director,
            source_meeting=meeting,
        )
        FlagFactory(
            assignment=a, kind="gap_drift", resolved_by=director, resolved_at=timezone.now()
        )
        for person in (director, manager, client):
            Notification.objects.create(recipient=person, assignment=a, key=f"q:{i}", subject="S")


def counts(api, world, cast):
    found = {}
    for role in ROLES:
        for url in LISTS:
            url = url.format(**world)
            # A fresh user each time, as a request has: its profiles are read by the call.
            with zeal_ignore([{"model": "partners.User", "field": "get()"}]):
                api.force_authenticate(User.objects.get(pk=cast[role].pk))
            with CaptureQueriesContext(connection) as ctx:
                response = api.get(url)
            assert response.status_code == (404 if "flags" in url and role == "client" else 200)
            found[role, url] = (len(ctx), len(response.json().get("results", [])))
    return found


@pytest.mark.django_db
def test_every_list_costs_the_same_queries_at_two_sizes(api, world, cast):
    grow(world, cast, 2, start=1)
    small = counts(api, world, cast)
    grow(world, cast, 8, start=3)
    large = counts(api, world, cast)
    print("\nQueries (and rows) per list at two sizes:", small, large, sep="\n")
    for key, (queries, rows) in large.items():
        assert queries == small[key][0], key
        # The lists did grow (those the party sees), so the equal counts mean something.
        assert rows >= small[key][1], key
    assert large["director", "/api/assignments/"][1] > small["director", "/api/assignments/"][1]
    for key, (queries, _rows) in large.items():
        assert queries <= CEILING[key[1].split("/")[-2]], key

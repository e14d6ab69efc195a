import pytest

from assignments.models import Candidacy, Notification, Opportunity
from assignments.services.calendar import calendar_feed_create
from tests.factories import FlagFactory


@pytest.fixture
def world(walker, cast):
    """An assignment in progress with one of everything, and the ids the URLs need."""
    walker.to_in_progress()
    a = walker.a
    a.refresh_from_db()
    plan = a.action_plans.get()
    flag = FlagFactory(assignment=a, kind="fuse_risk", key="fuse:test")
    notification = Notification.objects.create(
        recipient=cast["director"],
        assignment=a,
        key="test:1",
        subject="Review due",
        body="The review is due.",
        url=a.get_absolute_url(),
    )
    return {
        "a": a,
        "pk": a.pk,
        "candidacy_id": Candidacy.objects.get(assignment=a).pk,
        "report_id": a.audit_reports.get().pk,
        "plan_id": plan.pk,
        "commitment_id": plan.commitments.get().pk,
        "meeting_id": a.meetings.get().pk,
        "flag_id": flag.pk,
        "notification_id": notification.pk,
        "organisation_id": a.client_id,
        "opportunity_id": Opportunity.objects.create(
            firm=a.firm, client=a.client, description="A second plant.", owner=a.director
        ).pk,
        "manager_id": a.interim_manager_id,
        "token": calendar_feed_create(user=cast["director"]).token,
    }

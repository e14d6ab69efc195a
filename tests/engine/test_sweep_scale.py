"""Every periodic sweep costs the same queries for a small world and one three times as
large, on its first run and on a second one that finds everything recorded; the drift
catch-up, all at once, records what the one-at-a-time tasks would have."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import Assignment, DriftReading, Flag, Notification
from assignments.services import drift, notifications, sweeps
from tests.factories import AssignmentFactory, ManagerFactory, Walker

from .conftest import at, later

SWEEPS = {
    "review_reminders_send": sweeps.review_reminders_send,
    "audit_reminders_send": sweeps.audit_reminders_send,
    "commitments_sweep": sweeps.commitments_sweep,
}


def grow(firm, n):
    """n more running assignments, each with a recorded meeting much worse than its audit
    (an unchecked reading, a strained manager, a change of direction), its next review
    scheduled and a client commitment; and n more in audit."""
    for _ in range(n):
        manager = ManagerFactory(firms=[firm]).user
        a = Walker(AssignmentFactory(firm=firm), manager).walk_to("in_progress")
        services.meeting_record(
            meeting=a.meetings.get(status="scheduled"),
            user=a.director,
            held_on=timezone.localdate(),
            ratings=dict(zip(DIMENSIONS, (3, 3, 3, 2, 2, 2), strict=True)),
            manager_strain=5,
            direction_changes="The board wants the plant sold first.",
        )
        Walker(AssignmentFactory(firm=firm), ManagerFactory(firms=[firm]).user).walk_to("audit")


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        found = fn()
    return len(ctx.captured_queries), found


def sweep_costs(firm, n):
    """Grow the world to n (of each kind), then each sweep's queries: first run, second run."""
    grow(firm, n - Assignment.objects.filter(state="in_progress").count())
    Flag.objects.all().delete()
    Notification.objects.all().delete()
    DriftReading.objects.update(checked_at=None)
    costs = {}
    first, found = queries(drift.drift_catch_up)
    assert found["flags"] >= n  # every worsening meeting
    costs["drift_catch_up"] = (first, queries(drift.drift_catch_up)[0])
    with at(later(60)):  # every review, audit and commitment overdue
        for name, fn in SWEEPS.items():
            first, found = queries(fn)
            assert found["flags"] >= n, name
            costs[name] = (first, queries(fn)[0])
        Notification.objects.update(delivery="digest")
        first, sent = queries(notifications.send_digests)
        assert sent >= 2
        costs["send_digests"] = (first, queries(notifications.send_digests)[0])
    return costs


def test_each_sweep_costs_the_same_queries_for_a_world_three_times_larger(firm):
    assert sweep_costs(firm, 2) == sweep_costs(firm, 6)


def email_cost(firm, n):
    grow(firm, n - Assignment.objects.filter(state="in_progress").count())
    Notification.objects.update(emailed_at=None, delivery="immediate")
    count, sent = queries(notifications.send_pending_emails)
    assert sent == Notification.objects.count()
    return count - sent, queries(notifications.send_pending_emails)[0]


def test_sending_emails_costs_one_query_per_message_above_a_constant(firm):
    # Each message is marked sent, committed, just before it goes (a worker killed mid-batch
    # never sends one twice): that one query per message is the price, nothing more.
    assert email_cost(firm, 2) == email_cost(firm, 6)


def outcome():
    return (
        sorted(Flag.objects.values_list("key", "kind", "assignment_id", "message")),
        sorted(
            Notification.objects.values_list(
                "key", "recipient_id", "assignment_id", "subject", "body", "reason", "url", "kind"
            )
        ),
        sorted(Assignment.objects.values_list("pk", "gap_drift")),
        DriftReading.objects.filter(checked_at__isnull=True).count(),
    )


def test_the_catch_up_records_what_the_tasks_one_at_a_time_would(firm):
    grow(firm, 3)
    # A submitted report whose task was lost: no reading yet.
    walker = Walker(AssignmentFactory(firm=firm), ManagerFactory(firms=[firm]).user)
    walker.walk_to("audit")
    walker.submitted_report({d: (f"Found about {d}.", 3) for d in DIMENSIONS})
    Flag.objects.all().delete()
    Notification.objects.all().delete()
    start = list(DriftReading.objects.values_list("pk", flat=True))
    DriftReading.objects.update(checked_at=None)

    found = drift.drift_catch_up()
    together = outcome()
    assert found == {"flags": len(together[0]), "notifications": len(together[1])}
    assert found["flags"] >= 4 and together[3] == 0

    Flag.objects.all().delete()
    Notification.objects.all().delete()
    DriftReading.objects.exclude(pk__in=start).delete()
    DriftReading.objects.update(checked_at=None)
    Assignment.objects.update(gap_drift=None)
    one_by_one = {"flags": 0, "notifications": 0}
    for r in DriftReading.objects.order_by("recorded_at", "id"):
        if r.meeting_id:
            got = drift.meeting_drift_check(r.meeting_id)
        else:
            got = drift.audit_drift_flag(r.audit_report_id)
        one_by_one = {k: v + got.get(k, 0) for k, v in one_by_one.items()}
    for report in walker.a.audit_reports.filter(reading__isnull=True):
        got = drift.audit_drift_flag(report.pk)
        one_by_one = {k: v + got.get(k, 0) for k, v in one_by_one.items()}
    assert one_by_one == found
    assert outcome() == together

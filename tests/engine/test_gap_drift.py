from datetime import timedelta

from django.core import mail
from django.utils import timezone

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import AuditReport, DriftReading, Flag, Notification
from assignments.tasks import catch_up_drift, check_meeting_drift, flag_gap_drift

from .conftest import at, counts, today, with_emails


def findings(*levels):
    return {d: (f"Found about {d}.", lvl) for d, lvl in zip(DIMENSIONS, levels, strict=True)}


def test_a_drift_at_the_threshold_is_stored_flagged_and_told_to_the_director(auditing, walker):
    report = walker.submitted_report(findings(2, 2, 1, 2, 1, 1))  # 9/18 → 50
    assert with_emails(flag_gap_drift, report.pk) == {"flags": 1, "notifications": 1, "emailed": 1}
    report.refresh_from_db()
    auditing.refresh_from_db()
    assert report.drift_score == 50 and auditing.gap_drift == 50
    assert DriftReading.objects.get(audit_report=report).score == 50
    flag = Flag.objects.get()
    assert flag.kind == Flag.Kind.GAP_DRIFT and "gap drift of 50" in flag.message
    note = Notification.objects.get()
    assert note.recipient == auditing.director and "50" in note.subject
    assert "Resources: significant" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0].mimetype == "text/html"


def test_running_it_twice_changes_nothing(auditing, walker):
    report = walker.submitted_report(findings(3, 3, 3, 3, 3, 3))
    with_emails(flag_gap_drift, report.pk)
    before = counts()
    assert with_emails(flag_gap_drift, report.pk) == {"emailed": 0}
    assert counts() == before


def test_a_low_drift_is_stored_and_told_but_not_flagged(auditing, walker):
    report = walker.submitted_report(findings(1, 1, 0, 1, 0, 0))  # 3/18 → 17
    assert with_emails(flag_gap_drift, report.pk) == {"flags": 0, "notifications": 1, "emailed": 1}
    auditing.refresh_from_db()
    assert auditing.gap_drift == 17


def test_a_single_critical_dimension_raises_the_flag(auditing, walker):
    report = walker.submitted_report(findings(0, 0, 0, 3, 0, 0))  # 17, but resources critical
    assert with_emails(flag_gap_drift, report.pk)["flags"] == 1
    assert "critical gap on resources" in Flag.objects.get().message


def test_a_returned_or_unknown_report_is_left_alone(auditing, walker):
    report = walker.submitted_report(findings(3, 3, 3, 3, 3, 3))
    services.audit_report_return(report=report, user=walker.director, comment="Redo.")
    told = Notification.objects.count()  # the manager is told of the return, not of drift
    assert flag_gap_drift(report.pk) == {}
    assert flag_gap_drift(10_000_000) == {}
    assert counts() == (0, told)


def test_the_sweep_catches_up_a_report_whose_task_was_lost(auditing, walker):
    report = walker.submitted_report(findings(3, 3, 3, 3, 3, 3))  # on_commit never ran here
    assert not DriftReading.objects.exists()
    assert with_emails(catch_up_drift)["flags"] == 1
    assert with_emails(catch_up_drift) == {"flags": 0, "notifications": 0, "emailed": 0}
    assert Flag.objects.get().key == f"gap_drift:audit:{report.pk}"


def test_the_sweep_catches_up_a_report_accepted_before_the_task_ran(auditing, walker):
    report = walker.submitted_report(findings(3, 3, 3, 3, 3, 3))
    services.assignment_accept_audit(assignment=auditing, user=walker.director, report=report)
    assert DriftReading.objects.get().checked_at is None
    assert with_emails(catch_up_drift)["flags"] == 1
    assert "accepted" in Notification.objects.get(key=f"audit_submitted:{report.pk}").body


def test_the_sweep_leaves_old_readings_alone(auditing, walker):
    walker.submitted_report(findings(3, 3, 3, 3, 3, 3))
    with at(today() + timedelta(days=30)):
        assert with_emails(catch_up_drift)["flags"] == 0


def record(a, user, *levels, day=None):
    meeting = a.meetings.get(status="scheduled")
    services.meeting_record(
        meeting=meeting,
        user=user,
        held_on=day or timezone.localdate(),
        ratings=dict(zip(DIMENSIONS, levels, strict=True)),
    )
    return meeting


def test_a_meeting_much_worse_than_the_previous_reading_raises_gap_drift(running, director):
    # The audit of the walker reads 33 (all minor); 3 significant + 3 minor → 50: +17.
    m = record(running, director, 2, 2, 2, 1, 1, 1)
    assert with_emails(check_meeting_drift, m.pk) == {"flags": 1, "notifications": 1, "emailed": 1}
    assert with_emails(check_meeting_drift, m.pk) == {"emailed": 0}
    flag = Flag.objects.get()
    assert flag.key == f"gap_drift:meeting:{m.pk}" and "33 → 50" in flag.message


def test_a_slow_creep_over_two_meetings_raises_it_too(running, director):
    with_emails(check_meeting_drift, record(running, director, 2, 1, 1, 1, 1, 1).pk)  # 33 → 39
    assert Flag.objects.count() == 0
    with_emails(
        check_meeting_drift, record(running, director, 2, 2, 2, 1, 1, 1).pk
    )  # 39 → 50: +17 on 33
    assert Flag.objects.get().kind == Flag.Kind.GAP_DRIFT


def test_an_improving_meeting_raises_nothing(running, director):
    m = record(running, director, 0, 0, 1, 1, 0, 0)
    assert with_emails(check_meeting_drift, m.pk)["flags"] == 0
    running.refresh_from_db()
    assert running.gap_drift == 11


def test_the_sweep_catches_up_an_unchecked_meeting(running, director):
    record(running, director, 3, 3, 2, 2, 2, 2)
    found = with_emails(catch_up_drift)
    # The walker's audit reading is caught up too (33: no flag), then the meeting's.
    assert found["flags"] == 1
    assert not DriftReading.objects.filter(checked_at__isnull=True).exists()
    assert AuditReport.objects.get().reading.checked_at is not None

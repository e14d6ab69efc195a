from collections import Counter
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.db.models import Prefetch
from django.utils import timezone

from assignments.models import (
    Assignment,
    AuditReport,
    ClientCommitment,
    Flag,
    Notification,
    ProgressMeeting,
    State,
)
from partners.models import ClientOrganisation, ProviderFirm, User


def counts():
    return (
        User.objects.count(),
        ProviderFirm.objects.count(),
        ClientOrganisation.objects.count(),
        Assignment.objects.count(),
        ProgressMeeting.objects.count(),
    )


def test_seed_demo_is_idempotent_and_raises_nothing(db):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert Flag.objects.count() == 0
    assert Notification.objects.count() == 0


def test_seed_demo_covers_every_state_for_the_demo_director_and_client(db):
    call_command("seed_demo")
    director = User.objects.get(email="director@demo.test")
    client = User.objects.get(email="client@demo.test")
    own = Assignment.objects.filter(
        firm=director.director_profile.firm, client=client.client_profile.organisation
    )
    assert set(own.values_list("state", flat=True)) == set(State.values)
    managed = own.filter(interim_manager__email="manager@demo.test")
    assert managed.count() >= 3
    emails = ["admin@demo.test", "director@demo.test", "manager@demo.test", "client@demo.test"]
    users = User.objects.filter(email__in=emails)
    assert len(users) == len(emails) and all(u.check_password("demo") for u in users)


def test_seed_demo_scale_adds_that_many(db):
    call_command("seed_demo")
    before = Assignment.objects.count()
    call_command("seed_demo", scale=200, seed=1)
    assert Assignment.objects.count() == before + 200
    added = Assignment.objects.order_by("-id")[:200]
    assert {a.state for a in added} == set(State.values)
    assert {a.firm_id for a in added} == set(ProviderFirm.objects.values_list("id", flat=True))


def test_the_demo_audits_and_meetings_differ_from_one_assignment_to_the_next(db):
    call_command("seed_demo")
    accepted = AuditReport.objects.filter(status=AuditReport.Status.ACCEPTED)
    scores = list(accepted.values_list("drift_score", flat=True))
    assert len(scores) >= 5
    assert len(set(scores)) == len(scores), scores
    levels = {
        tuple(r.findings.order_by("dimension").values_list("gap_level", flat=True))
        for r in accepted
    }
    assert len(levels) == len(scores)
    summaries = list(
        ProgressMeeting.objects.filter(status="held").values_list("summary", flat=True)
    )
    assert len(summaries) >= 6
    assert len(set(summaries)) == len(summaries)


def assert_meetings_in_order(assignments, today):
    for a in assignments.prefetch_related(Prefetch("meetings", to_attr="all_meetings")):
        held = sorted((m for m in a.all_meetings if m.status == "held"), key=lambda m: m.held_on)
        scheduled = [m for m in a.all_meetings if m.status == "scheduled"]
        for m in held:
            assert m.held_on <= today, a
            assert a.started_on is None or m.held_on >= a.started_on, a
            assert m.held_on.weekday() < 5, a
        for m in held + scheduled:
            assert m.scheduled_for.weekday() < 5, (a, m.scheduled_for)
        for m in scheduled:
            assert not held or m.scheduled_for > held[-1].held_on, a


def test_the_demo_meetings_are_held_before_the_next_one_and_on_working_days(db):
    call_command("seed_demo")
    today = timezone.localdate()
    assert_meetings_in_order(Assignment.objects.all(), today)
    lyon = Assignment.objects.get(title="Interim Plant Manager – Lyon site")
    last = lyon.meetings.filter(status="held").order_by("-held_on").first()
    nxt = lyon.meetings.get(status="scheduled")
    assert last.held_on < nxt.scheduled_for < today


def test_the_demo_keeps_its_reminders_due(db):
    """A meeting due within the reminder window and one overdue, an audit due within its
    window, and an overdue client commitment."""
    call_command("seed_demo")
    today = timezone.localdate()
    scheduled = ProgressMeeting.objects.filter(
        status="scheduled", assignment__state__in=["in_progress", "realignment"]
    )
    window = today + timedelta(days=settings.REVIEW_REMINDER_DAYS)
    assert scheduled.filter(scheduled_for__gte=today, scheduled_for__lte=window).exists()
    assert scheduled.filter(scheduled_for__lt=today).exists()
    audit_window = today + timedelta(days=settings.AUDIT_REMINDER_DAYS)
    assert Assignment.objects.filter(
        state="audit", audit_due_date__gte=today, audit_due_date__lte=audit_window
    ).exists()
    assert ClientCommitment.objects.filter(
        plan__assignment__state="in_progress", due_date__lt=today, delivered_on=None
    ).exists()


def test_the_first_sweeps_on_the_demo_raise_these_flags_and_notifications(db):
    call_command("seed_demo")
    call_command("run_sweeps", stdout=StringIO())
    kinds = Counter(Flag.objects.values_list("kind", flat=True))
    assert kinds == {"gap_drift": 3, "manager_strain": 2, "review_overdue": 1, "fuse_risk": 1}
    assert Notification.objects.count() == 14


def test_the_scaled_meetings_are_held_before_the_next_one_and_on_working_days(db):
    call_command("seed_demo", scale=120, seed=2)
    assert_meetings_in_order(Assignment.objects.all(), timezone.localdate())

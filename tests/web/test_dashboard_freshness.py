"""The director's dashboard is cached under its firm's version: every service that changes
what it shows moves that version on after commit, so the next page is current, in this
process and in any other (the version is in the database, not in the cache)."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone, translation

from assignments import selectors, services
from assignments.models import Flag, ProgressMeeting
from assignments.services.flags import record
from assignments.views.home import director_dashboard_body
from partners.models import ProviderFirm
from tests.factories import AssignmentFactory, FlagFactory
from tests.queued_tasks import run_queued_tasks


def body(page):
    """The cached part of the page, relative times left out (they move with the clock)."""
    html = page.content.decode() if hasattr(page, "content") else page
    start = html.index('<div class="row g-3">')
    end = html.index('id="pipeline-data"')
    return re.sub(r"raised [^)]*\)", "raised …)", html[start:end])


def version(firm):
    return ProviderFirm.objects.filter(pk=firm.pk).values_list("dashboard_version", flat=True)[0]


@pytest.fixture
def looking(client, director, django_capture_on_commit_callbacks):
    """The director's dashboard, served warm, and a check that after a change through a
    service (run with its after-commit work) the page served equals a fresh rendering."""
    client.force_login(director)

    def served():
        page = client.get("/")
        assert page.status_code == 200
        return body(page)

    def after(change):
        before = served()
        assert served() == before  # warm: from the cache
        firm = director.director_profile.firm
        old = version(firm)
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert version(firm) > old, "the change did not move the firm's dashboard version"
        now = served()
        fresh = body(director_dashboard_body(director, timezone.localdate()))
        assert now == fresh
        assert now != before, "the change shows nothing on the dashboard"
        return now

    return after


def test_a_new_assignment_shows_in_the_pipeline(looking, firm, director, assignment):
    looking(
        lambda: services.assignment_create(
            user=director,
            firm=firm,
            client=assignment.client,
            client_contact=assignment.client_contact,
            title="Interim CFO – carve-out",
        )
    )


def test_a_transition_moves_the_pipeline(looking, walker):
    walker.fill_brief()
    looking(walker.to_selection)


def test_a_flag_raised_by_a_sweep_and_resolved_by_the_director(looking, walker, director):
    walker.to_in_progress()
    flag = Flag(assignment=walker.a, kind=Flag.Kind.FUSE_RISK, key="fuse:x", message="Late.")
    now = looking(lambda: record(flags=[flag]))
    assert "Fuse risk" in now
    flag = Flag.objects.get(key="fuse:x")
    now = looking(lambda: services.flag_resolve(flag=flag, user=director, comment="Settled."))
    assert "No open flag." in now


def test_meetings_scheduled_recorded_and_missed(looking, walker, director):
    walker.to_in_progress()
    meeting = walker.a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    soon = timezone.localdate() + timedelta(days=3)
    looking(
        lambda: services.meeting_schedule(assignment=walker.a, user=director, scheduled_for=soon)
    )
    looking(lambda: services.meeting_mark_missed(meeting=meeting, user=director))


def test_a_plan_drafted_confirmed_and_a_commitment_delivered(looking, walker, director):
    walker.to_action_plan()
    assert "0 of 3 confirmations" in looking(walker.draft_plan)
    plan = walker.a.action_plans.get()
    assert "1 of 3 confirmations" in looking(
        lambda: services.action_plan_confirm(plan=plan, user=director)
    )
    commitment = plan.commitments.get()
    commitment.due_date = timezone.localdate() - timedelta(days=2)
    commitment.save(update_fields=["due_date"])
    for party in (walker.manager, walker.client):
        services.action_plan_confirm(plan=plan, user=party)
    walker.a.refresh_from_db()
    services.assignment_start_progress(assignment=walker.a, user=director)
    looking(lambda: services.commitment_mark_delivered(commitment=commitment, user=director))


def test_an_audit_drift_moves_the_average(looking, walker, django_capture_on_commit_callbacks):
    walker.to_audit()
    with django_capture_on_commit_callbacks(execute=True):  # the drift task is queued
        walker.submitted_report()
    # The worker's task computes the drift and flags it: the dashboard moves then.
    now = looking(lambda: run_queued_tasks())
    assert "Gap drift" in now


def test_an_edit_in_admin_shows_at_once(looking, director, assignment, admin_user):
    def rename():
        assignment.client.name = "Renamed Industries"
        assignment.client.save()
        LogEntry.objects.log_actions(
            user_id=admin_user.pk,
            queryset=[assignment.client],
            action_flag=CHANGE,
            change_message="Renamed",
            single_object=True,
        )

    FlagFactory(assignment=assignment, key="seen")  # the client's name shows with the flag
    assert "Renamed Industries" in looking(rename)


def test_another_firms_change_leaves_this_dashboard_cached(
    client, director, other_firm, django_capture_on_commit_callbacks
):
    firm = director.director_profile.firm
    before = version(firm)
    other = AssignmentFactory(firm=other_firm)
    with django_capture_on_commit_callbacks(execute=True):
        record(flags=[Flag(assignment=other, kind=Flag.Kind.FUSE_RISK, key="o", message="x")])
    assert version(firm) == before
    assert version(other_firm) == 1


def test_a_change_rolled_back_moves_nothing(director, walker, django_capture_on_commit_callbacks):
    firm = director.director_profile.firm
    before = version(firm)
    walker.fill_brief()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            from django.db import transaction

            with transaction.atomic():
                services.assignment_open_selection(assignment=walker.a, user=director)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert version(firm) == before


def test_the_cache_key_is_the_firms_version_the_day_and_the_language(director, admin_user):
    key = selectors.dashboard_version(director)["key"]
    firm = director.director_profile.firm
    today = timezone.localdate().isoformat()
    assert key == f"interim:dashboard:firm:{firm.pk}:0:{today}:en-gb"
    with translation.override("fr"):
        assert selectors.dashboard_version(director)["key"].endswith(f"{today}:fr")
    everyone = selectors.dashboard_version(admin_user)["key"]
    assert everyone.startswith("interim:dashboard:all:")


def test_pages_are_served_when_the_cache_is_down(client, director, walker, settings):
    """The cache only accelerates: with nothing answering where it should be, the dashboard
    and the unread count are computed, and the session is read from the database."""
    walker.to_in_progress()
    client.force_login(director)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    page = client.get("/")
    assert page.status_code == 200
    assert 'id="needs-attention"' in page.content.decode()
    assert client.get("/assignments/").status_code == 200
    # Signing out and in again works too: the session lives in the database.
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
    client.force_login(director)
    assert client.get("/").status_code == 200

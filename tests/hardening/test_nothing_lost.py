"""Nothing is lost: every decision says who took it and when, no action of the UI deletes a
record, and a backup restores every row.

The walk below carries one assignment through every transition over HTTP, as its three
parties would, and posts to every POST endpoint of the UI on the way. Before and after each
post it takes the primary keys of every table of the project's apps: a key that disappears
is a hard delete, allowed only where a draft plan's own rows are rewritten by its editor
(and the firm's client list, whose removal takes a link, not an organisation, off it).
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import resolve, reverse
from django.utils import timezone

from assignments import services
from assignments.constants import Dimension, NotificationKind
from assignments.models import (
    Assignment,
    AuditReport,
    Candidacy,
    ClientCommitment,
    Flag,
    Notification,
    Opportunity,
    PlanConfirmation,
    ProgressMeeting,
    State,
    TransitionRecord,
)
from assignments.selectors.dashboards import director_dashboard, review_punctuality
from assignments.services.sweeps import latest_meetings_sweep, review_reminders_send
from partners.models import ProviderFirm, User
from tests.conftest import IN_CI
from tests.web.test_access_matrix import url_names

DIMS = [d.value for d in Dimension]
PROJECT_APPS = ("assignments", "partners")
SCRIPT = Path(__file__).resolve().parents[2] / "bin" / "backup-restore-check"

# The UI's addresses that accept a POST, each posted to by the walk.
POST_ENDPOINTS = {
    "logout",
    "switch_role",
    "set_language",
    "firm_clients",
    "firm_client_remove",
    "notifications:read",
    "notifications:read_all",
    "notifications:settings",
    "assignments:create",
    "assignments:transition",
    "assignments:brief",
    "assignments:candidacy_add",
    "assignments:candidacy_vet",
    "assignments:candidacy_present",
    "assignments:negotiation_round",
    "assignments:audit_start",
    "assignments:audit_edit",
    "assignments:audit_return",
    "assignments:plan_new",
    "assignments:plan_edit",
    "assignments:plan_confirm",
    "assignments:commitment_delivered",
    "assignments:meeting_schedule",
    "assignments:meeting_record",
    "assignments:meeting_missed",
    "assignments:flag_resolve",
    "assignments:channel",
    "assignments:closeout",
    "opportunities:create",
    "opportunities:edit",
    "opportunities:start",
    "manager_add",
    "manager_edit",
    "manager_remove",
    "calendar_create",
    "calendar_rotate",
    "calendar_revoke",
}
# Pages that only show.
READ_ONLY = {
    "home",
    "api:api-root",
    "api:schema",
    "api:docs",
    # The API's reading side (GET only).
    "api:assignment-list",
    "api:assignment-detail",
    "api:assignment-brief",
    "api:candidacy-list",
    "api:candidacy-detail",
    "api:audit-report-list",
    "api:audit-report-detail",
    "api:action-plan-list",
    "api:action-plan-detail",
    "api:meeting-list",
    "api:meeting-detail",
    "api:flag-list",
    "api:flag-detail",
    "api:notification-list",
    "api:notification-detail",
    "healthz",
    "favicon",
    "notifications:list",
    "assignments:list",
    "assignments:detail",
    "assignments:audit_suggestions",
    "assignments:audit_suggestion_hint",
    "assignments:plan_print",
    "assignments:plan_pdf",
    "assignments:closeout_print",
    "assignments:closeout_pdf",
    "opportunities:list",
    "opportunities:export",
    "managers",
    "manager_profile",
    "assignments:meeting_ics",
    "calendar_settings",
    # Read by calendar applications; it notes only when it was last read.
    "calendar_feed",
}
# The API's writes: each the twin of a web action the walk posts, through the same service;
# tests/api/test_writes.py checks that each keeps every row (and a refused one changes none).
API_WRITES = {
    "api:assignment-transition",
    "api:brief-update",
    "api:candidacy-present",
    "api:audit-report-start",
    "api:audit-report-save",
    "api:audit-report-submit",
    "api:action-plan-confirm",
    "api:commitment-delivered",
    "api:meeting-schedule",
    "api:meeting-record",
    "api:flag-resolve",
    "api:notification-read",
    "api:notifications-read-all",
}
# Django's own sign-in and password forms: they write a session or a password, no record.
DJANGO_AUTH = {
    "login",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Where a post may take rows away, and which: a draft plan's milestones, undelivered
# commitments and the confirmations given to the text it had (the editor rewrites them),
# and the firm's link to a client organisation.
MAY_REMOVE = {
    "assignments:plan_edit": {
        "assignments.milestone",
        "assignments.clientcommitment",
        "assignments.planconfirmation",
    },
    "firm_client_remove": {"partners.providerfirm_clients"},
    # A profile's skills are the ones it was last given; leaving a pool unlinks it.
    "manager_edit": {"partners.managerprofile_skills"},
    "manager_remove": {"partners.managerprofile_firms"},
    # Withdrawing one's calendar address removes it: nothing answers at it any more.
    "calendar_revoke": {"assignments.calendarfeed"},
}


def project_models():
    for label in PROJECT_APPS:
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def snapshot():
    return {
        m._meta.label_lower: set(m._default_manager.values_list("pk", flat=True))
        for m in project_models()
    }


def audit_data(**extra):
    data = {"summary": "Found on site."}
    for d in DIMS:
        data[f"{d}_finding"] = f"Found about {d}"
        data[f"{d}_level"] = 1
    return data | extra


def plan_data(summary="Plan"):
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    return {
        "summary": summary,
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
    }


def meeting_data(held_on):
    return {
        "held_on": held_on.isoformat(),
        "summary": "On track",
        "manager_workload": 3,
        "manager_strain": 2,
    } | {f"rating_{d}": 1 for d in DIMS}


class Walk:
    """Posts as one party after another and notes, per post, the rows it took away."""

    def __init__(self, client, walker):
        self.client = client
        self.a = walker.a
        self.director = walker.director
        self.manager = walker.manager
        self.client_contact = walker.client
        self.posted = set()
        self.removed = []

    def url(self, tail="", a=None):
        return f"/assignments/{(a or self.a).pk}/{tail}"

    def post(self, user, path, data=None, expect=302):
        self.client.force_login(user)
        before = snapshot()
        response = self.client.post(path, data or {})
        form = (response.context or {}).get("form") if response.status_code != expect else None
        assert response.status_code == expect, (path, response.status_code, form and form.errors)
        after = snapshot()
        name = resolve(urlsplit(path).path).view_name
        self.posted.add(name)
        for label, pks in before.items():
            if pks - after[label]:
                self.removed.append((name, label, pks - after[label]))
        return response

    def transition(self, user, name, **data):
        return self.post(user, self.url(f"transition/{name}/"), data)

    def through_selection(self):
        d = self.director
        self.post(d, self.url("brief/"), {x: f"About {x}" for x in DIMS} | {"summary": "A CFO."})
        self.transition(d, "open_selection", comment="Brief complete")
        self.post(d, self.url("candidates/add/"), {"manager": self.manager.pk})
        cand = Candidacy.objects.get(assignment=self.a)
        vetting = dict.fromkeys(Candidacy.VETTING_FIELDS, "on") | {
            "fit_rating": 4,
            "fit_rationale": "Fits.",
            "proposed_day_rate": "1300",
            "currency": "EUR",
        }
        self.post(d, self.url(f"candidates/{cand.pk}/vet/"), vetting)
        self.post(
            d,
            self.url(f"candidates/{cand.pk}/negotiate/"),
            {"offered_by": "client", "day_rate": "1250", "agreed": "on"},
        )
        self.post(d, self.url(f"candidates/{cand.pk}/present/"))
        self.transition(self.client_contact, "select_manager", candidacy=cand.pk)

    def through_audit(self):
        m = self.manager
        self.post(m, self.url("audit/start/"))
        first = AuditReport.objects.get(assignment=self.a)
        self.post(m, self.url(f"audit/{first.pk}/"), audit_data())
        self.post(m, self.url(f"audit/{first.pk}/"), audit_data(submit="1"))
        self.post(self.director, self.url(f"audit/{first.pk}/return/"), {"comment": "Resources?"})
        self.post(m, self.url("audit/start/"))
        second = AuditReport.objects.get(assignment=self.a, version=2)
        self.post(m, self.url(f"audit/{second.pk}/"), audit_data(submit="1"))
        self.transition(self.director, "accept_audit", report=second.pk)

    def plan_confirmed(self, summary):
        d = self.director
        self.post(d, self.url("plan/new/"))
        plan = self.a.action_plans.order_by("-version").first()
        self.post(d, self.url(f"plan/{plan.pk}/"), plan_data(summary))
        self.post(self.manager, self.url(f"plan/{plan.pk}/confirm/"))
        # A change after a confirmation withdraws it: the draft's rows are rewritten.
        self.post(d, self.url(f"plan/{plan.pk}/"), plan_data(f"{summary}, revised"))
        for user in (self.manager, self.client_contact, d):
            self.post(user, self.url(f"plan/{plan.pk}/confirm/"))
        return plan

    def through_progress(self):
        d, m = self.director, self.manager
        plan = self.plan_confirmed("Plan")
        self.transition(d, "start_progress")
        commitment = plan.commitments.get()
        self.post(self.client_contact, self.url(f"commitments/{commitment.pk}/delivered/"))
        day = timezone.localdate() + timedelta(days=5)
        self.post(d, self.url("meetings/schedule/"), {"scheduled_for": day.isoformat()})
        first = self.a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
        self.post(d, self.url(f"meetings/{first.pk}/missed/"))
        second = self.a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
        self.post(m, self.url(f"meetings/{second.pk}/record/"), meeting_data(timezone.localdate()))
        self.post(m, self.url("channel/"), {"body": "Short of analysts.", "needs_support": "on"})
        self.post(d, self.url("channel/"), {"body": "Two analysts start Monday."})
        flag = Flag.objects.get(assignment=self.a, resolved_at=None)
        self.post(d, self.url(f"flags/{flag.pk}/resolve/"), {"comment": "Analysts found."})
        self.transition(d, "start_realignment", reason="Resources missing.")
        self.plan_confirmed("Revised plan")
        self.transition(d, "resume_progress")

    def around(self):
        """The posts outside an assignment's phases: another assignment, created and
        cancelled; notifications; role; the firm's client list and its pool of managers."""
        d = self.director
        self.post(
            d,
            "/assignments/new/",
            {
                "title": "Interim treasurer",
                "client_contact": self.client_contact.pk,
                "review_cadence_days": 21,
            },
        )
        other = Assignment.objects.get(title="Interim treasurer")
        self.post(d, self.url("transition/cancel/", a=other), {"reason": "Hired internally."})
        note = Notification.objects.filter(recipient=d).first()
        self.post(d, f"/notifications/{note.pk}/read/")
        self.post(self.client_contact, "/notifications/read-all/")
        self.post(d, "/notifications/settings/", {k.value: "in_app" for k in NotificationKind})
        self.post(d, "/accounts/role/", {"role": "director"})
        for language in ("fr", "en-gb"):
            self.post(d, "/i18n/setlang/", {"language": language, "next": "/"})
        lead = {
            "client": self.a.client_id,
            "description": "The group needs a treasurer.",
            "currency": "EUR",
            "status": "open",
            "owner": d.pk,
        }
        self.post(d, "/opportunities/new/", lead)
        noted = Opportunity.objects.get(description=lead["description"])
        self.post(d, f"/opportunities/{noted.pk}/", lead | {"status": "won"})
        self.post(d, f"/opportunities/{noted.pk}/start/")
        self.post(
            d,
            "/firm/clients/",
            {"name": "Harbour Logistics", "sector": "Logistics", "country": "FR"},
        )
        self.post(d, f"/firm/clients/{self.a.client_id}/remove/")
        newcomer = {"email": "nina.new@example.test", "full_name": "Nina New"}
        self.post(d, "/managers/new/", newcomer | {"day_rate": "1100", "currency": "EUR"})
        nina = User.objects.get(email=newcomer["email"])
        profile = {"new_skills": "Treasury", "day_rate": "1100", "currency": "EUR"}
        self.post(d, f"/managers/{nina.pk}/edit/", profile)
        self.post(d, f"/managers/{nina.pk}/edit/", profile | {"new_skills": "Tax"})
        self.post(d, f"/managers/{nina.pk}/remove/")
        self.post(self.client_contact, "/accounts/calendar/create/")
        self.post(self.client_contact, "/accounts/calendar/rotate/")
        self.post(self.client_contact, "/accounts/calendar/revoke/")

    def everything(self):
        self.through_selection()
        self.through_audit()
        self.through_progress()
        self.around()
        self.transition(self.director, "complete", outcome="Finance function rebuilt.")
        self.post(
            self.client_contact,
            self.url("closeout/"),
            {
                "part": "client_evaluation",
                "delivery": 4,
                "posture": 4,
                "would_engage_again": "yes",
            },
        )
        self.post(
            self.manager,
            self.url("closeout/"),
            {"part": "manager_evaluation", "commitments_kept": 3, "provider_support": 4},
        )
        self.post(self.director, "/accounts/logout/")
        self.a.refresh_from_db()
        return self


def test_a_full_walk_says_who_did_what_and_when_and_deletes_nothing(client, walker, admin_client):
    """One walk (it is the slow part), four findings."""
    walked = Walk(client, walker).everything()
    assert_every_decision_says_who_and_when(walked, admin_client)
    assert_no_post_deleted_a_record(walked)
    assert_closing_kept_the_scheduled_meeting_as_cancelled(walked)
    assert_removing_the_client_from_the_firm_kept_its_assignments(walked)


# --- 1. Who and when ----------------------------------------------------------------------


def assert_every_decision_says_who_and_when(walked, admin_client):
    """Each transition, the flag's resolution, each plan confirmation and the commitment's
    delivery has its person and its time, on the page and in the admin."""
    a = walked.a
    assert a.state == State.COMPLETED
    records = list(
        TransitionRecord.objects.filter(assignment=a).select_related("by").order_by("at", "id")
    )
    by_name = {r.transition: r.by for r in records if r.transition != TransitionRecord.CREATION}
    assert by_name == {
        "open_selection": walked.director,
        "select_manager": walked.client_contact,
        "accept_audit": walked.director,
        "start_progress": walked.director,
        "start_realignment": walked.director,
        "resume_progress": walked.director,
        "complete": walked.director,
    }
    cancelled = TransitionRecord.objects.get(transition="cancel")
    assert cancelled.by == walked.director and cancelled.at
    assert all(r.at for r in records)

    flag = Flag.objects.get(assignment=a, kind=Flag.Kind.MANAGER_STRAIN)
    assert (flag.resolved_by, flag.resolution) == (walked.director, "Analysts found.")
    assert flag.resolved_at is not None

    confirmations = PlanConfirmation.objects.filter(plan__assignment=a).select_related("user")
    assert confirmations.count() == 6  # three parties, two versions
    for c in confirmations:
        assert c.at is not None
        assert (
            c.user
            == {
                "director": walked.director,
                "manager": walked.manager,
                "client": walked.client_contact,
            }[c.party]
        )

    delivered = ClientCommitment.objects.get(plan__assignment=a, plan__version=1)
    assert delivered.delivered_marked_by == walked.client_contact
    assert delivered.delivered_on == timezone.localdate()

    # The assignment's history shows each transition and the resolved flag with its author.
    walked.client.force_login(walked.director)
    page = walked.client.get(walked.url()).content.decode()
    for r in records:
        assert f'data-history="{r.transition}"' in page
    assert f"resolved by {walked.director}" in page and "Analysts found." in page

    # The admin shows them too, with their author and time.
    def admin_page(name, **query):
        response = admin_client.get(reverse(f"admin:assignments_{name}_changelist"), query)
        assert response.status_code == 200
        return response.content.decode()

    history = admin_page("transitionrecord", assignment__id__exact=a.pk)
    assert str(walked.client_contact) in history and str(walked.director) in history
    flags = admin_page("flag", assignment__id__exact=a.pk)
    assert str(walked.director) in flags
    confirmations_page = admin_page("planconfirmation")
    for user in (walked.director, walked.manager, walked.client_contact):
        assert str(user) in confirmations_page
    commitment = admin_client.get(
        reverse("admin:assignments_clientcommitment_change", args=[delivered.pk])
    ).content.decode()
    assert str(walked.client_contact) in commitment


# --- 2. Nothing hard-deleted --------------------------------------------------------------


def test_every_url_is_either_a_post_endpoint_of_the_walk_or_read_only():
    names = set(url_names())
    unclassified = names - POST_ENDPOINTS - READ_ONLY - DJANGO_AUTH - API_WRITES
    assert not unclassified, f"Classify these in {__name__}: {sorted(unclassified)}"
    assert not (POST_ENDPOINTS | READ_ONLY | DJANGO_AUTH | API_WRITES) - names


def assert_no_post_deleted_a_record(walked):
    assert walked.posted == POST_ENDPOINTS
    unexpected = [
        (name, label, sorted(pks))
        for name, label, pks in walked.removed
        if label not in MAY_REMOVE.get(name, set())
    ]
    assert unexpected == []
    # The allowed removals did happen, so this test sees them.
    assert {(name, label) for name, label, _ in walked.removed} >= {
        ("assignments:plan_edit", "assignments.planconfirmation"),
        ("firm_client_remove", "partners.providerfirm_clients"),
        ("manager_edit", "partners.managerprofile_skills"),
        ("manager_remove", "partners.managerprofile_firms"),
        ("calendar_revoke", "assignments.calendarfeed"),
    }


def assert_closing_kept_the_scheduled_meeting_as_cancelled(walked):
    statuses = list(walked.a.meetings.order_by("id").values_list("status", flat=True))
    assert statuses == ["missed", "held", "cancelled"]
    walked.client.force_login(walked.director)
    page = walked.client.get(walked.url()).content.decode()
    assert "data-meeting-cancelled>Cancelled with the assignment<" in page


def assert_removing_the_client_from_the_firm_kept_its_assignments(walked):
    firm = ProviderFirm.objects.get(pk=walked.a.firm_id)
    assert not firm.clients.filter(pk=walked.a.client_id).exists()
    kept = Assignment.objects.filter(client_id=walked.a.client_id, firm=firm)
    assert set(kept.values_list("title", flat=True)) >= {walked.a.title, "Interim treasurer"}
    walked.client.force_login(walked.director)
    assert walked.client.get(walked.url()).status_code == 200


def test_a_cancelled_meeting_is_not_swept_nor_counted(walker, client):
    """The meeting an assignment had scheduled when it was cancelled: no reminder, no
    overdue flag, not on the dashboard, not due in the punctuality figure."""
    walker.to_in_progress()
    a = walker.a
    meeting = a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    past = timezone.localdate() - timedelta(days=2)
    ProgressMeeting.objects.filter(pk=meeting.pk).update(scheduled_for=past)
    before = director_dashboard(walker.director)
    assert before["reviews_due"] == 1 and before["overdue_reviews"]
    services.assignment_cancel(assignment=a, user=walker.director, reason="Hired internally.")
    meeting.refresh_from_db()
    assert meeting.status == ProgressMeeting.Status.CANCELLED
    # Even were the assignment running again, the sweeps look at scheduled and held only.
    Assignment.objects.filter(pk=a.pk).update(state=State.IN_PROGRESS)
    assert review_reminders_send() == latest_meetings_sweep() == {"flags": 0, "notifications": 0}
    assert review_punctuality(
        ProgressMeeting.objects.filter(assignment=a), timezone.localdate()
    ) == {
        "due": 0,
        "on_time": 0,
    }
    after = director_dashboard(walker.director)
    assert after["reviews_due"] == 0
    assert after["overdue_reviews"] == [] and after["upcoming"] == []
    assert not Flag.objects.filter(kind=Flag.Kind.REVIEW_OVERDUE).exists()


# --- 3. Backup and restore ----------------------------------------------------------------


def database_url(settings):
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


def backup_check(url, *args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=os.environ | {"DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_backup_of_the_demo_world_restores_every_row(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        message = "The backup check needs PostgreSQL: set DATABASE_URL to a PostgreSQL server."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    call_command("seed_demo")
    dump = tmp_path / "interim.dump"
    done = backup_check(database_url(connection.settings_dict), "--dump", str(dump))
    assert done.returncode == 0, done.stderr
    printed = {line.split()[0]: line.split()[1:3] for line in done.stdout.splitlines()[1:-1]}
    tables = {m._meta.db_table: m._default_manager.count() for m in project_models()}
    assert printed == {table: [str(n), str(n)] for table, n in tables.items()}
    assert tables["assignments_assignment"] > 0 and tables["assignments_progressmeeting"] > 0
    assert done.stdout.splitlines()[-1].startswith("OK: ")
    assert f"{sum(tables.values())} rows identical" in done.stdout
    assert dump.stat().st_size > 0
    # The scratch database is gone.
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE '%%restore_check%%'")
        assert cursor.fetchall() == []


def test_the_backup_check_refuses_a_database_that_is_not_postgresql():
    done = backup_check("sqlite:///db.sqlite3")
    assert done.returncode == 2
    assert "DATABASE_URL is not a PostgreSQL URL" in done.stderr

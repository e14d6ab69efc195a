"""Each write of the API as each party: allowed, it is done and in the database; refused, the
database is as it was. The statuses are the web's (tests/web/test_access_matrix.py): 404
for an outsider, 403 for a party who may see but not do it, 409 for a refusal of the rules
of the trade, 400 for bad input, 401 without a token."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from zeal import zeal_ignore

from assignments.models import (
    ActionPlan,
    AuditReport,
    Candidacy,
    ClientCommitment,
    Flag,
    Notification,
    ProgressMeeting,
)
from tests.factories import FlagFactory

ROLES = [
    "anonymous",
    "director",
    "other_director",
    "manager",
    "other_manager",
    "client",
    "other_client",
    "admin",
]
OUTSIDERS = {"other_director": 404, "other_manager": 404, "other_client": 404}


def expected(**statuses):
    """Statuses by role; an outsider is 404 and anonymous 401 unless said otherwise."""
    return {"anonymous": 401, **OUTSIDERS, **statuses}


@pytest.fixture
def tokens(cast):
    return {role: Token.objects.create(user=user).key for role, user in cast.items()}


@pytest.fixture
def api():
    return APIClient()


def post(api, tokens, role, url, data=None):
    if role == "anonymous":
        api.credentials()
    else:
        api.credentials(HTTP_AUTHORIZATION=f"Token {tokens[role]}")
    return api.post(url, data or {}, format="json")


def snapshot():
    """Every row of the app's tables: a refused write leaves it exactly as it was."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("assignments").get_models()
    }


def kept(before, after):
    """Every row there before is still there: no write of the API deletes anything."""
    ids = {label: {row["id"] for row in rows} for label, rows in after.items()}
    return all({row["id"] for row in rows} <= ids[label] for label, rows in before.items())


class _Rollback(Exception):
    pass


def each_party(api, tokens, url, data, statuses, done):
    """Post as every role, each in a transaction rolled back afterwards: the same start for
    all. `done()` says whether the write is in the database."""
    found = {}
    for role in ROLES:
        try:
            with transaction.atomic():
                before = snapshot()
                response = post(api, tokens, role, url, data)
                found[role] = response.status_code
                if response.status_code in (200, 201):
                    with zeal_ignore():  # the test's own reading, once per role
                        written = done()
                    assert written, f"{role}: answered {response.status_code}, nothing written"
                    assert kept(before, snapshot()), f"{role}: the write removed rows"
                else:
                    assert "detail" in response.json() or response.status_code == 400
                    assert snapshot() == before, f"{role}: refused, yet something changed"
                raise _Rollback
        except _Rollback:
            pass
    assert found == statuses


def state_of(a):
    a.refresh_from_db()
    return a.state


# --- Transitions -----------------------------------------------------------------------------


def test_a_transition_as_each_party(walker, api, tokens):
    walker.to_in_progress()
    a = walker.a
    url = reverse("api:assignment-transition", args=[a.pk, "start_realignment"])
    each_party(
        api,
        tokens,
        url,
        {"reason": "The client's resources never came."},
        expected(director=200, manager=403, client=403, admin=200),
        lambda: state_of(a) == "realignment",
    )


def test_a_transition_answers_the_new_state(walker, api, tokens):
    walker.to_in_progress()
    url = reverse("api:assignment-transition", args=[walker.a.pk, "start_realignment"])
    response = post(api, tokens, "director", url, {"reason": "Roles to re-establish."})
    assert response.status_code == 200
    assert response.json() == {
        "id": walker.a.pk,
        "state": "realignment",
        "state_label": "Realignment",
    }


def test_the_client_chooses_a_presented_candidate(walker, api, tokens):
    walker.to_selection()
    c = walker.ready_candidacy()
    url = reverse("api:assignment-transition", args=[walker.a.pk, "select_manager"])
    each_party(
        api,
        tokens,
        url,
        {"candidacy": c.pk, "comment": "Strong fit."},
        # The manager is only a candidate: the full assignment is not theirs to act on.
        expected(director=200, manager=404, client=200, admin=200),
        lambda: state_of(walker.a) == "audit",
    )


def test_a_candidate_not_presented_cannot_be_chosen(walker, api, tokens):
    walker.to_selection()
    c = walker.ready_candidacy(present=False)
    url = reverse("api:assignment-transition", args=[walker.a.pk, "select_manager"])
    before = snapshot()
    response = post(api, tokens, "client", url, {"candidacy": c.pk})
    assert response.status_code == 400
    assert "candidacy" in response.json()
    assert snapshot() == before


def test_a_transition_without_its_reason_is_400_and_writes_nothing(walker, api, tokens):
    walker.to_in_progress()
    url = reverse("api:assignment-transition", args=[walker.a.pk, "cancel"])
    before = snapshot()
    response = post(api, tokens, "director", url, {"reason": "   "})
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert snapshot() == before


def test_a_transition_the_state_refuses_is_409_with_the_sentence(walker, api, tokens):
    walker.to_in_progress()
    url = reverse("api:assignment-transition", args=[walker.a.pk, "resume_progress"])
    before = snapshot()
    response = post(api, tokens, "director", url)
    assert response.status_code == 409
    assert "is not possible while the assignment is in" in response.json()["detail"]
    assert snapshot() == before


def test_an_unknown_transition_is_404(walker, api, tokens):
    url = reverse("api:assignment-transition", args=[walker.a.pk, "teleport"])
    response = post(api, tokens, "director", url)
    assert response.status_code == 404
    assert "no transition called" in response.json()["detail"]


def test_who_may_not_act_is_told_why(walker, api, tokens):
    walker.to_in_progress()
    url = reverse("api:assignment-transition", args=[walker.a.pk, "complete"])
    response = post(api, tokens, "client", url, {"outcome": "Done."})
    assert response.status_code == 403
    assert response.json()["detail"]


# --- The brief, the selection ------------------------------------------------------------------


def test_the_brief_as_each_party(assignment, api, tokens):
    url = reverse("api:brief-update", args=[assignment.pk])
    each_party(
        api,
        tokens,
        url,
        {"objectives": "Cut the close from ten days to five."},
        # In `brief` the manager is no one on the assignment yet.
        expected(director=200, manager=404, client=403, admin=200),
        lambda: assignment.brief_items.filter(
            dimension="objectives", statement="Cut the close from ten days to five."
        ).exists(),
    )


def test_the_brief_keeps_what_is_not_sent(assignment, api, tokens):
    url = reverse("api:brief-update", args=[assignment.pk])
    post(api, tokens, "director", url, {"objectives": "One.", "context": "Two."})
    response = post(api, tokens, "director", url, {"context": "Three.", "summary": "The ask."})
    assert response.status_code == 200
    assert response.json()["objectives"] == "One."
    assert response.json()["context"] == "Three."
    assert response.json()["summary"] == "The ask."


def test_the_brief_of_a_running_assignment_is_409(walker, api, tokens):
    walker.to_in_progress()
    before = snapshot()
    response = post(
        api, tokens, "director", reverse("api:brief-update", args=[walker.a.pk]), {"skills": "x"}
    )
    assert response.status_code == 409
    assert snapshot() == before


def test_presenting_a_candidate_as_each_party(walker, api, tokens):
    walker.to_selection()
    c = walker.ready_candidacy(present=False, agree=False)
    url = reverse("api:candidacy-present", args=[walker.a.pk, c.pk])
    each_party(
        api,
        tokens,
        url,
        {},
        # The client is refused before the candidacy is looked at: nothing says it exists.
        expected(director=200, manager=404, client=403, admin=200),
        lambda: Candidacy.objects.get(pk=c.pk).status == Candidacy.Status.PRESENTED,
    )


# --- The audit ---------------------------------------------------------------------------------


def test_starting_the_audit_report_as_each_party(walker, api, tokens):
    walker.to_audit()
    url = reverse("api:audit-report-start", args=[walker.a.pk])
    each_party(
        api,
        tokens,
        url,
        {},
        expected(director=403, manager=201, client=403, admin=201),
        lambda: AuditReport.objects.filter(assignment=walker.a).exists(),
    )


def test_saving_and_submitting_the_audit_report_as_each_party(walker, api, tokens):
    walker.to_audit()
    report = walker.world.audit_report(walker.a, walker.manager)
    save = reverse("api:audit-report-save", args=[walker.a.pk, report.pk])
    each_party(
        api,
        tokens,
        save,
        {"summary": "The real situation.", "skills_level": 2},
        expected(director=403, manager=200, client=403, admin=200),
        lambda: (
            AuditReport.objects.filter(pk=report.pk, summary="The real situation.").exists()
            and report.findings.get(dimension="skills").gap_level == 2
        ),
    )
    submit = reverse("api:audit-report-submit", args=[walker.a.pk, report.pk])
    each_party(
        api,
        tokens,
        submit,
        {},
        expected(director=403, manager=200, client=403, admin=200),
        lambda: AuditReport.objects.get(pk=report.pk).status == AuditReport.Status.SUBMITTED,
    )


def test_a_gap_level_out_of_range_is_400(walker, api, tokens):
    walker.to_audit()
    report = walker.world.audit_report(walker.a, walker.manager)
    before = snapshot()
    response = post(
        api,
        tokens,
        "manager",
        reverse("api:audit-report-save", args=[walker.a.pk, report.pk]),
        {"skills_level": 7},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["skills_level"]
    assert snapshot() == before


# --- The plan, the commitments, the meetings ----------------------------------------------------


def test_confirming_the_plan_as_each_party(walker, api, tokens):
    walker.to_action_plan()
    plan = walker.draft_plan()
    url = reverse("api:action-plan-confirm", args=[walker.a.pk, plan.pk])
    each_party(
        api,
        tokens,
        url,
        {},
        # An admin is no party of the plan: there is nothing for them to confirm.
        expected(director=200, manager=200, client=200, admin=409),
        lambda: ActionPlan.objects.get(pk=plan.pk).confirmations.exists(),
    )


def test_marking_a_commitment_delivered_as_each_party(walker, api, tokens):
    walker.to_in_progress()
    commitment = ClientCommitment.objects.filter(plan__assignment=walker.a).first()
    url = reverse("api:commitment-delivered", args=[walker.a.pk, commitment.pk])
    each_party(
        api,
        tokens,
        url,
        {},
        expected(director=200, manager=200, client=200, admin=200),
        lambda: ClientCommitment.objects.get(pk=commitment.pk).delivered_on is not None,
    )


def test_a_delivery_in_the_future_is_409(walker, api, tokens):
    walker.to_in_progress()
    commitment = ClientCommitment.objects.filter(plan__assignment=walker.a).first()
    before = snapshot()
    response = post(
        api,
        tokens,
        "client",
        reverse("api:commitment-delivered", args=[walker.a.pk, commitment.pk]),
        {"delivered_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 409
    assert "future" in response.json()["detail"]
    assert snapshot() == before


def meeting_record_body(**changes):
    body = {
        "held_on": timezone.localdate().isoformat(),
        "summary": "Close on track.",
        "manager_workload": 3,
        "manager_strain": 2,
        **{f"rating_{d}": 1 for d in ("objectives", "context", "skills", "resources")},
        "rating_expectations": 0,
        "rating_timeline": 2,
    }
    return body | changes


def test_recording_a_meeting_as_each_party(walker, api, tokens):
    walker.to_in_progress()
    meeting = walker.a.meetings.get()
    url = reverse("api:meeting-record", args=[walker.a.pk, meeting.pk])
    each_party(
        api,
        tokens,
        url,
        meeting_record_body(),
        expected(director=200, manager=200, client=403, admin=200),
        lambda: ProgressMeeting.objects.get(pk=meeting.pk).status == ProgressMeeting.Status.HELD,
    )


def test_a_meeting_held_in_the_future_is_400(walker, api, tokens):
    walker.to_in_progress()
    meeting = walker.a.meetings.get()
    before = snapshot()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post(
        api,
        tokens,
        "manager",
        reverse("api:meeting-record", args=[walker.a.pk, meeting.pk]),
        meeting_record_body(held_on=tomorrow, rating_skills=9),
    )
    assert response.status_code == 400
    assert set(response.json()) == {"held_on", "rating_skills"}
    assert snapshot() == before


def test_scheduling_a_meeting_as_each_party(walker, api, tokens):
    walker.to_in_progress()
    day = timezone.localdate() + timedelta(days=9)
    url = reverse("api:meeting-schedule", args=[walker.a.pk])
    each_party(
        api,
        tokens,
        url,
        {"scheduled_for": day.isoformat()},
        expected(director=201, manager=403, client=403, admin=201),
        lambda: walker.a.meetings.filter(scheduled_for=day).exists(),
    )


# --- Flags, notifications ----------------------------------------------------------------------


def test_resolving_a_flag_as_each_party(walker, api, tokens):
    walker.to_in_progress()
    flag = FlagFactory(assignment=walker.a, kind="fuse_risk", key="fuse:api")
    url = reverse("api:flag-resolve", args=[walker.a.pk, flag.pk])
    each_party(
        api,
        tokens,
        url,
        {"comment": "The client sent the analyst."},
        # The client learns nothing of flags, not even that this one exists; the manager
        # never closes a warning about the client's commitments.
        expected(director=200, manager=403, client=404, admin=200),
        lambda: Flag.objects.get(pk=flag.pk).resolved_at is not None,
    )


def test_the_manager_resolves_a_review_overdue_flag(walker, api, tokens):
    walker.to_in_progress()
    flag = FlagFactory(assignment=walker.a, kind="review_overdue", key="review:api")
    url = reverse("api:flag-resolve", args=[walker.a.pk, flag.pk])
    response = post(api, tokens, "manager", url, {"comment": "Held on Monday."})
    assert response.status_code == 200
    assert Flag.objects.get(pk=flag.pk).resolved_at is not None


def test_a_flag_resolved_without_a_word_is_400(walker, api, tokens):
    walker.to_in_progress()
    flag = FlagFactory(assignment=walker.a, kind="fuse_risk", key="fuse:api")
    before = snapshot()
    url = reverse("api:flag-resolve", args=[walker.a.pk, flag.pk])
    response = post(api, tokens, "director", url, {"comment": "  "})
    assert response.status_code == 400
    assert snapshot() == before


def test_reading_a_notification_as_each_party(assignment, cast, api, tokens):
    note = Notification.objects.create(
        recipient=cast["director"], assignment=assignment, key="api:1", subject="S", body="B"
    )
    url = reverse("api:notification-read", args=[note.pk])
    each_party(
        api,
        tokens,
        url,
        {},
        # Someone else's notification is unknown to everyone, admins included (as on the web).
        dict.fromkeys(ROLES, 404) | {"anonymous": 401, "director": 200},
        lambda: Notification.objects.get(pk=note.pk).read_at is not None,
    )


def test_reading_all_notifications_touches_only_ones_own(assignment, cast, api, tokens):
    mine = Notification.objects.create(
        recipient=cast["client"], assignment=assignment, key="api:1", subject="S", body="B"
    )
    theirs = Notification.objects.create(
        recipient=cast["director"], assignment=assignment, key="api:2", subject="S", body="B"
    )
    response = post(api, tokens, "client", reverse("api:notifications-read-all"))
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    assert post(api, tokens, "anonymous", reverse("api:notifications-read-all")).status_code == 401


def test_the_client_cannot_tell_a_flag_from_no_flag(walker, api, tokens):
    walker.to_in_progress()
    flag = FlagFactory(assignment=walker.a, kind="fuse_risk", key="fuse:api")
    answers = [
        post(api, tokens, "client", reverse("api:flag-resolve", args=[walker.a.pk, pk]), {})
        for pk in (flag.pk, flag.pk + 1000)
    ]
    assert [r.status_code for r in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()

"""The API's reading side: each party reads what the assignment page shows them, and no more."""

import json

import pytest
from django.utils import timezone

from assignments import services
from assignments.constants import DIMENSIONS
from assignments.models import AuditReport, Candidacy, Notification, ProgressMeeting
from tests.factories import (
    FULL_BRIEF,
    AssignmentFactory,
    CandidacyFactory,
    FlagFactory,
    ManagerFactory,
)

VETTING_FIELDS = {
    "vetting",
    "oversell_note",
    "low_fit_justification",
    "internal_notes",
    "proposed_day_rate",
    "rounds",
}


def api_url(world, tail=""):
    return f"/api/assignments/{world['pk']}/{tail}"


def test_an_anonymous_call_is_401_with_a_sentence(api, world):
    response = api.get("/api/assignments/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == "Token"


def test_the_director_reads_the_assignment_with_its_open_flags_and_drift(as_, world):
    page = as_("director", "/api/assignments/")
    assert page["count"] == 1
    (row,) = page["results"]
    assert row["id"] == world["pk"] and row["state"] == "in_progress"
    assert row["open_flags"] == 1
    assert row["gap_drift"] == world["a"].gap_drift
    detail = as_("director", api_url(world))
    assert detail["access"] == "full" and detail["interim_manager"]["id"] == world["manager_id"]


@pytest.mark.parametrize("role", ["client", "director_and_client", "manager_and_client"])
def test_the_client_side_never_reads_a_flag(as_, world, role):
    """Neither in the list nor in the assignment, whatever other hat they wear."""
    (row,) = as_(role, "/api/assignments/")["results"]
    assert "open_flags" not in row
    detail = as_(role, api_url(world))
    assert "open_flags" not in detail
    for tail in ("flags/", f"flags/{world['flag_id']}/"):
        assert as_(role, api_url(world, tail), expect=404) == {"detail": "Not found."}


def test_the_provider_side_reads_the_flags(as_, world):
    for role in ("director", "manager", "admin"):
        (flag,) = as_(role, api_url(world, "flags/"))["results"]
        assert flag["kind"] == "fuse_risk" and flag["is_open"] is True
    assert as_("director", api_url(world, "flags/"), open="false")["count"] == 0
    assert as_("director", api_url(world, "flags/"), kind="gap_drift")["count"] == 0


@pytest.mark.parametrize("role", ["other_director", "other_manager", "other_client"])
def test_an_outsider_gets_404_on_the_assignment_and_everything_under_it(as_, world, role):
    assert as_(role, api_url(world), expect=404) == {"detail": "No such assignment."}
    for tail in ("brief/", "candidacies/", "audit-reports/", "action-plans/", "meetings/"):
        as_(role, api_url(world, tail), expect=404)
    assert as_(role, "/api/assignments/")["count"] == 0


def test_the_brief_has_the_six_dimensions_in_order(as_, world):
    brief = as_("client", api_url(world, "brief/"))
    assert [d["dimension"] for d in brief["dimensions"]] == list(DIMENSIONS)
    assert {d["dimension"]: d["statement"] for d in brief["dimensions"]} == FULL_BRIEF


def test_the_director_reads_the_vetting_and_the_client_does_not(as_, world):
    (seen_by_director,) = as_("director", api_url(world, "candidacies/"))["results"]
    assert set(seen_by_director) >= VETTING_FIELDS
    assert seen_by_director["vetting"]["complete"] is True
    assert [r["offered_by"] for r in seen_by_director["rounds"]] == ["firm", "client"]
    for role in ("client", "manager", "director_and_client"):
        (seen,) = as_(role, api_url(world, "candidacies/"))["results"]
        assert not VETTING_FIELDS & set(seen), role
        assert seen["agreed_day_rate"] == seen_by_director["agreed_day_rate"]
        # The presentation itself, as the page shows it to whoever sees the candidacy.
        assert (seen["fit_rating"], seen["fit_rationale"]) == (
            seen_by_director["fit_rating"],
            seen_by_director["fit_rationale"],
        )
        one = as_(role, api_url(world, f"candidacies/{world['candidacy_id']}/"))
        assert not VETTING_FIELDS & set(one)


def test_the_client_reads_only_the_candidates_presented_to_them(as_, walker, cast):
    walker.to_selection()
    a = walker.a
    presented = walker.ready_candidacy()
    kept_back = CandidacyFactory(assignment=a, internal_notes="Not this one.")
    url = f"/api/assignments/{a.pk}/candidacies/"
    assert {c["id"] for c in as_("director", url)["results"]} == {presented.pk, kept_back.pk}
    assert [c["id"] for c in as_("client", url)["results"]] == [presented.pk]
    as_("client", f"{url}{kept_back.pk}/", expect=404)
    # Their manager is only a candidate: the summary of the assignment, nothing under it.
    as_("manager", url, expect=404)


def test_a_mere_candidate_reads_the_summary_and_nothing_under_it(api, walker):
    walker.to_selection()
    a = walker.a
    candidate = ManagerFactory(firms=[a.firm]).user
    Candidacy.objects.create(assignment=a, manager=candidate)
    api.force_authenticate(candidate)
    summary = api.get(f"/api/assignments/{a.pk}/").json()
    assert summary["access"] == "summary"
    assert set(summary) == {
        "id",
        "access",
        "title",
        "state",
        "state_label",
        "client",
        "firm",
        "summary",
    }
    assert api.get(f"/api/assignments/{a.pk}/candidacies/").status_code == 404
    assert api.get("/api/assignments/").json()["count"] == 0


def test_the_client_reads_no_audit_report_before_it_is_accepted(as_, walker):
    walker.to_audit()
    report = walker.submitted_report()
    url = f"/api/assignments/{walker.a.pk}/audit-reports/"
    (seen,) = as_("director", url)["results"]
    assert seen["status"] == "submitted" and len(seen["findings"]) == 6
    assert as_("manager", url)["count"] == 1
    assert as_("client", url)["count"] == 0
    as_("client", f"{url}{report.pk}/", expect=404)


def test_the_accepted_audit_report_is_the_clients_with_its_findings(as_, world):
    (report,) = as_("client", api_url(world, "audit-reports/"))["results"]
    assert report["status"] == AuditReport.Status.ACCEPTED
    assert [f["dimension"] for f in report["findings"]] == sorted(DIMENSIONS)


def test_the_plan_reads_with_milestones_commitments_and_confirmations(as_, world):
    (plan,) = as_("client", api_url(world, "action-plans/"))["results"]
    assert plan["status"] == "confirmed" and plan["missing_parties"] == []
    assert [m["title"] for m in plan["milestones"]] == ["Diagnostic"]
    assert [c["description"] for c in plan["commitments"]] == ["Two analysts"]
    assert {c["party"] for c in plan["confirmations"]} == {"client", "manager", "director"}


@pytest.fixture
def held(world, cast):
    """The world's meeting, held, with the manager's strain and new business."""
    meeting = world["a"].meetings.get()
    services.meeting_record(
        meeting=meeting,
        user=cast["director"],
        held_on=timezone.localdate(),
        ratings=dict.fromkeys(DIMENSIONS, 1),
        summary="On track.",
        manager_workload=4,
        manager_strain=3,
        opportunities="A second plant.",
    )
    return meeting


def test_a_meeting_reads_as_each_party_may_see_it(as_, world, held):
    by = {}
    for role in ("director", "manager", "client"):
        meetings = as_(role, api_url(world, "meetings/"), status="held")["results"]
        by[role] = next(m for m in meetings if m["id"] == held.pk)
    assert by["director"]["manager_strain"] == 3 and by["director"]["opportunities"]
    assert "lead" in by["director"]
    assert by["manager"]["manager_strain"] == 3 and "lead" not in by["manager"]
    for hidden in ("manager_workload", "manager_strain", "opportunities", "lead"):
        assert hidden not in by["client"]
    assert by["client"]["summary"] == "On track." and len(by["client"]["ratings"]) == 6
    # The audit was accepted: the client sees the drift.
    assert "drift_score" in by["client"]


def test_nothing_provider_only_reaches_the_client_anywhere(api, world, cast, held):
    FlagFactory(assignment=world["a"], kind="manager_strain", message="Worn out: SECRET-FLAG.")
    api.force_authenticate(cast["client"])
    tails = ("", "brief/", "candidacies/", "audit-reports/", "action-plans/", "meetings/")
    bodies = [api.get(api_url(world, tail)).content.decode() for tail in tails]
    bodies.append(api.get("/api/assignments/").content.decode())
    text = " ".join(bodies)
    for secret in ("SECRET-FLAG", "open_flags", "A second plant", "manager_strain", "fuse"):
        assert secret not in text


def test_notifications_are_the_callers_own_and_filter_unread(as_, world, cast):
    mine = world["notification_id"]
    Notification.objects.create(
        recipient=cast["director"], key="t:2", subject="Read", body="b", read_at=timezone.now()
    )
    assert as_("director", "/api/notifications/")["count"] == 2
    (unread,) = as_("director", "/api/notifications/", unread="true")["results"]
    assert unread["id"] == mine and unread["unread"] is True
    assert as_("director", "/api/notifications/", unread="false")["count"] == 1
    assert as_("client", "/api/notifications/")["count"] == 0
    as_("client", f"/api/notifications/{mine}/", expect=404)


@pytest.mark.parametrize(
    ("tail", "query", "field"),
    [
        ("", {"state": "nope"}, "state"),
        ("", {"client": "abc"}, "client"),
        ("", {"ordering": "-title"}, "ordering"),
        ("candidacies/", {"status": "maybe"}, "status"),
        ("meetings/", {"status": "\x00"}, "status"),
        ("flags/", {"kind": "everything"}, "kind"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(as_, world, tail, query, field):
    url = api_url(world, tail) if tail else "/api/assignments/"
    errors = as_("director", url, expect=400, **query)
    assert list(errors) == [field] and errors[field][0].endswith(".")


def test_another_clients_organisation_is_an_unknown_choice(as_, world):
    other = AssignmentFactory()
    assert as_("director", "/api/assignments/", client=world["a"].client_id)["count"] == 1
    errors = as_("director", "/api/assignments/", expect=400, client=other.client_id)
    assert "client" in errors


def test_the_list_filters_by_state_and_words_and_orders(as_, world, cast):
    assert as_("director", "/api/assignments/", state="in_progress")["count"] == 1
    assert as_("director", "/api/assignments/", state="brief")["count"] == 0
    assert as_("director", "/api/assignments/", q=world["a"].title[:6])["count"] == 1
    assert as_("director", "/api/assignments/", q="zzz-nothing")["count"] == 0
    assert as_("director", "/api/assignments/", ordering="drift")["count"] == 1


def test_a_page_past_the_end_is_a_404_with_a_sentence(as_, world):
    assert as_("director", "/api/assignments/", expect=404, page="abc") == {
        "detail": "Invalid page."
    }


def test_an_unknown_record_is_404_with_a_sentence(as_, world):
    body = as_("director", api_url(world, "meetings/999999/"), expect=404)
    assert body["detail"].endswith(".")
    assert as_("admin", "/api/assignments/999999/", expect=404)["detail"] == "No such assignment."


def test_a_scheduled_meeting_has_no_lead_and_a_json_body(api, world, cast):
    api.force_authenticate(cast["director"])
    response = api.get(api_url(world, "meetings/"))
    assert response["Content-Type"] == "application/json"
    (meeting,) = json.loads(response.content)["results"]
    assert meeting["status"] == ProgressMeeting.Status.SCHEDULED and meeting["lead"] is None


def test_the_sentences_speak_the_callers_language(api, world, cast):
    api.force_authenticate(cast["other_client"])
    response = api.get(api_url(world), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert response.json() == {"detail": "Mission introuvable."}
    api.force_authenticate(cast["director"])
    body = api.get(api_url(world, "meetings/999/"), HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body == {"detail": "Cet élément n'existe pas sur cette mission."}


def test_a_person_with_two_roles_is_on_each_row_the_party_they_are_on_it(as_, world, cast):
    """Director of another firm and the world's client: the flags of their own firm's
    assignment, none of the one they are the client on."""
    two_hats = cast["director_and_client"]
    own = AssignmentFactory(firm=two_hats.director_profile.firm, director=two_hats)
    FlagFactory(assignment=own)
    rows = {r["id"]: r for r in as_("director_and_client", "/api/assignments/")["results"]}
    assert set(rows) == {own.pk, world["pk"]}
    assert rows[own.pk]["open_flags"] == 1 and "open_flags" not in rows[world["pk"]]
    assert as_("director_and_client", f"/api/assignments/{own.pk}/flags/")["count"] == 1
    as_("director_and_client", api_url(world, "flags/"), expect=404)
    (seen,) = as_("director_and_client", api_url(world, "candidacies/"))["results"]
    assert not VETTING_FIELDS & set(seen)

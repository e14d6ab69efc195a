"""The close-out page: who reads which part, who gives which, bad and refused input kept,
the walls between the client's and the manager's evaluations, and the card on the
assignment page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import ClientEvaluation, Closeout, ManagerEvaluation

from ..engine.conftest import at

CLIENT_COMMENT = "Steady hand with the unions, from the client."
MANAGER_COMMENT = "The analysts never came, says the manager."
REVIEW_TEXT = "Delivered the diagnostic, the restructuring only half."
CAUSE_DETAIL = "The board moved the goalposts twice."


@pytest.fixture
def closed(walker):
    """A completed assignment; its close-out is open."""
    a = walker.walk_to("in_progress")
    services.assignment_complete(assignment=a, user=a.director, outcome="Objectives met.")
    a.refresh_from_db()
    return a


def url(a):
    return reverse("assignments:closeout", args=[a.pk])


def text(response):
    return response.content.decode()


def review_post(a, **overrides):
    milestone = a.action_plans.get(status="confirmed").milestones.get()
    data = {"part": "review", "review": REVIEW_TEXT, "cause": "", "cause_detail": ""}
    for d in DIMENSIONS:
        data[f"result_{d}"] = "achieved"
        data[f"comment_{d}"] = ""
    data[f"milestone_{milestone.pk}"] = "partly"
    data[f"milestone_{milestone.pk}_comment"] = ""
    return {**data, **overrides}


CLIENT_POST = {
    "part": "client_evaluation",
    "delivery": "4",
    "posture": "5",
    "would_engage_again": "yes",
    "comment": CLIENT_COMMENT,
}
MANAGER_POST = {
    "part": "manager_evaluation",
    "commitments_kept": "2",
    "provider_support": "4",
    "comment": MANAGER_COMMENT,
}


def give_everything(client, a, cast):
    for who, data in (
        ("director", review_post(a, cause="other", cause_detail=CAUSE_DETAIL)),
        ("client", CLIENT_POST),
        ("manager", MANAGER_POST),
    ):
        client.force_login(cast[who])
        assert client.post(url(a), data).status_code == 302, who
    client.logout()


# --- Who gets in -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, closed):
    response = client.get(url(closed))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", ["other_director", "other_manager", "other_client"])
def test_outsiders_get_404_on_get_and_post(client, closed, cast, who):
    client.force_login(cast[who])
    assert client.get(url(closed)).status_code == 404
    assert client.post(url(closed), CLIENT_POST).status_code == 404
    assert not ClientEvaluation.objects.exists()


@pytest.mark.parametrize(
    "who, form_of",
    [
        ("director", "review"),
        ("client", "client_evaluation"),
        ("manager", "manager_evaluation"),
        ("director_and_client", "client_evaluation"),
        ("manager_and_client", "client_evaluation"),
        ("admin", None),
    ],
)
def test_each_party_sees_the_form_of_their_own_part_only(client, closed, cast, who, form_of):
    client.force_login(cast[who])
    response = client.get(url(closed))
    assert response.status_code == 200
    forms = ("review", "client_evaluation", "manager_evaluation")
    shown = {p for p in forms if f'name="part" value="{p}"' in text(response)}
    assert shown == ({form_of} if form_of else set())


def test_no_closeout_is_404_with_the_reason(client, walker, cast):
    a = walker.walk_to("in_progress")
    client.force_login(cast["director"])
    response = client.get(url(a))
    assert response.status_code == 404
    assert "it opens when the assignment is completed, or cancelled after its audit" in text(
        response
    )


def test_a_cancellation_before_the_audit_has_no_closeout(client, walker, cast):
    a = walker.walk_to("selection")
    services.assignment_cancel(assignment=a, user=a.director, reason="The client withdrew.")
    client.force_login(cast["director"])
    assert client.get(url(a)).status_code == 404


# --- Giving a part ------------------------------------------------------------------------------


def test_each_party_gives_their_part(client, closed, cast):
    give_everything(client, closed, cast)
    closeout = Closeout.objects.get(assignment=closed)
    assert closeout.is_reviewed and closeout.cause == "other"
    assert closeout.dimensions.count() == 6 and closeout.milestones.count() == 1
    assert ClientEvaluation.objects.get().by == cast["client"]
    assert ManagerEvaluation.objects.get().comment == MANAGER_COMMENT


def test_a_director_and_client_gives_the_clients_part(client, closed, cast):
    client.force_login(cast["director_and_client"])
    assert client.post(url(closed), CLIENT_POST).status_code == 302
    assert ClientEvaluation.objects.get().by == cast["director_and_client"]


@pytest.mark.parametrize(
    "who, data",
    [
        ("client", "review"),
        ("manager", "review"),
        ("director", "client"),
        ("manager", "client"),
        ("client", "manager"),
        ("director", "manager"),
        ("admin", "review"),
        ("admin", "client"),
        ("director_and_client", "review"),
        ("manager_and_client", "manager"),
    ],
)
def test_a_part_posted_by_anyone_but_its_party_is_403(client, closed, cast, who, data):
    posted = {"review": review_post(closed), "client": CLIENT_POST, "manager": MANAGER_POST}[data]
    client.force_login(cast[who])
    assert client.post(url(closed), posted).status_code == 403
    closed.closeout.refresh_from_db()
    assert not closed.closeout.is_reviewed
    assert not ClientEvaluation.objects.exists() and not ManagerEvaluation.objects.exists()


def test_bad_input_is_400_with_the_input_kept(client, closed, cast):
    client.force_login(cast["client"])
    response = client.post(url(closed), {**CLIENT_POST, "delivery": "9"})
    assert response.status_code == 400
    assert CLIENT_COMMENT in text(response)
    assert not ClientEvaluation.objects.exists()


def test_a_review_with_other_cause_and_no_detail_is_400_with_the_input_kept(client, closed, cast):
    client.force_login(cast["director"])
    response = client.post(url(closed), review_post(closed, cause="other"))
    assert response.status_code == 400
    assert REVIEW_TEXT in text(response)
    assert "what the other cause was" in text(response)
    closed.closeout.refresh_from_db()
    assert not closed.closeout.is_reviewed


def test_a_review_missing_a_dimension_is_400(client, closed, cast):
    client.force_login(cast["director"])
    data = review_post(closed)
    del data["result_timeline"]
    assert client.post(url(closed), data).status_code == 400


def test_a_second_submission_is_409_with_the_sentence_and_the_input_kept(client, closed, cast):
    client.force_login(cast["manager"])
    assert client.post(url(closed), MANAGER_POST).status_code == 302
    response = client.post(url(closed), {**MANAGER_POST, "comment": "A second thought."})
    assert response.status_code == 409
    assert "was given already: it is final" in text(response)
    assert "A second thought." in text(response)
    assert ManagerEvaluation.objects.get().comment == MANAGER_COMMENT


def test_after_the_window_the_form_is_gone_and_a_post_is_409(client, closed, cast):
    with at(closed.closeout.closes_on + timedelta(days=1)):
        client.force_login(cast["client"])  # a session of the day
        response = client.get(url(closed))
        assert response.status_code == 200
        assert 'name="part"' not in text(response)
        assert "window ended" in text(response)
        response = client.post(url(closed), CLIENT_POST)
    assert response.status_code == 409
    assert "The close-out window has ended" in text(response)
    assert CLIENT_COMMENT in text(response)
    assert not ClientEvaluation.objects.exists()


def test_a_given_part_is_shown_read_only(client, closed, cast):
    client.force_login(cast["client"])
    client.post(url(closed), CLIENT_POST)
    response = client.get(url(closed))
    assert 'name="part"' not in text(response)
    assert CLIENT_COMMENT in text(response)


# --- The walls -----------------------------------------------------------------------------------


def test_the_director_reads_every_part(client, closed, cast):
    give_everything(client, closed, cast)
    client.force_login(cast["director"])
    page = text(client.get(url(closed)))
    assert all(s in page for s in (REVIEW_TEXT, CAUSE_DETAIL, CLIENT_COMMENT, MANAGER_COMMENT))


def test_the_managers_page_never_holds_the_clients_evaluation_nor_the_review(client, closed, cast):
    give_everything(client, closed, cast)
    client.force_login(cast["manager"])
    page = text(client.get(url(closed)))
    assert MANAGER_COMMENT in page
    assert CLIENT_COMMENT not in page
    assert REVIEW_TEXT not in page and CAUSE_DETAIL not in page


@pytest.mark.parametrize("who", ["client", "director_and_client", "manager_and_client"])
def test_the_clients_page_never_holds_the_managers_evaluation_nor_the_review(
    client, closed, cast, who
):
    give_everything(client, closed, cast)
    client.force_login(cast[who])
    page = text(client.get(url(closed)))
    assert CLIENT_COMMENT in page
    assert MANAGER_COMMENT not in page
    assert REVIEW_TEXT not in page and CAUSE_DETAIL not in page
    assert "The board moved" not in page and "What went wrong" not in page


# --- The review form shows what it is read against ----------------------------------------------


def test_the_review_form_shows_the_brief_the_audit_and_the_plan_beside_each_dimension(
    client, closed, cast
):
    client.force_login(cast["director"])
    page = text(client.get(url(closed)))
    brief = {i.dimension: i.statement for i in closed.brief_items.all()}
    assert all(statement in page for statement in brief.values())
    assert "What the audit found about timeline." in page
    assert "1 – minor" in page
    assert "The plan." in page  # the last confirmed plan's summary
    assert "Diagnostic" in page
    assert "Audit 33; 0 meetings; 33 at close." in page


# --- The card on the assignment page ------------------------------------------------------------


def detail(client, a, user):
    client.force_login(user)
    return text(client.get(reverse("assignments:detail", args=[a.pk])))


def test_the_director_sees_every_awaited_part_on_the_assignment_page(client, closed, cast):
    page = detail(client, closed, cast["director"])
    assert 'data-testid="closeout-card"' in page
    for label in (
        "the director&#x27;s review",
        "the client&#x27;s evaluation of the manager",
        "the manager&#x27;s evaluation of the conditions",
    ):
        assert label in page


@pytest.mark.parametrize(
    "who, own, others",
    [
        ("client", "the client&#x27;s evaluation", ("director&#x27;s review", "conditions")),
        ("manager", "the manager&#x27;s evaluation", ("director&#x27;s review", "of the manager")),
    ],
)
def test_the_other_parties_see_only_their_own_part_awaited(client, closed, cast, who, own, others):
    page = detail(client, closed, cast[who])
    assert own in page
    assert not any(o in page for o in others)


def test_the_card_says_when_nothing_is_awaited(client, closed, cast):
    client.force_login(cast["client"])
    client.post(url(closed), CLIENT_POST)
    assert "Every part you may read is given." in detail(client, closed, cast["client"])


def test_no_card_before_the_closeout(client, walker, cast):
    a = walker.walk_to("in_progress")
    assert 'data-testid="closeout-card"' not in detail(client, a, cast["director"])


def test_the_page_costs_the_same_queries_once_every_part_is_given(client, closed, cast):
    client.force_login(cast["director"])
    client.get(url(closed))
    with CaptureQueriesContext(connection) as empty:
        client.get(url(closed))
    give_everything(client, closed, cast)
    client.force_login(cast["director"])
    client.get(url(closed))
    with CaptureQueriesContext(connection) as full:
        client.get(url(closed))
    assert len(full) == len(empty)

"""Nothing a user can type answers 500: garbage in every field of every address."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.web.test_access_matrix import TABLE

GARBAGE = {
    "title": "x" * 500,
    "client_contact": "999999",
    "candidacy": "abc",
    "report": "-1",
    "reason": "",
    "outcome": "\x00",
    "comment": "ü" * 5000,
    "manager": "1; DROP TABLE",
    "fit_rating": "42",
    "proposed_day_rate": "NaN",
    "currency": "euro",
    "day_rate": "1e309",
    "offered_by": "martian",
    "held_on": "2026-02-30",
    "scheduled_for": "yesterday",
    "delivered_on": "31/31/31",
    "manager_workload": "9",
    "rating_objectives": "7",
    "objectives_level": "-3",
    "milestones-TOTAL_FORMS": "99999999",
    "milestones-INITIAL_FORMS": "x",
    "commitments-TOTAL_FORMS": "1",
    "commitments-INITIAL_FORMS": "0",
    "commitments-0-due_date": "soon",
    "seen_state": "nowhere",
    "role": "emperor",
    "nid": "x",
}


@pytest.mark.parametrize("name", sorted(n for n in TABLE if n.startswith("assignments:")))
def test_garbage_never_answers_500(name, world, cast, client):
    _, params, _ = TABLE[name]
    kwargs = {p: world[p] for p in params if p != "name"}
    transitions = ["complete", "cancel", "select_manager", "accept_audit", "start_realignment"]
    names = transitions if "name" in params else [None]
    client.force_login(cast["director"])
    for transition in names:
        if transition:
            kwargs["name"] = transition
        url = reverse(name, kwargs=kwargs)
        assert client.post(url, GARBAGE).status_code < 500
        assert client.get(url, GARBAGE).status_code < 500


def test_password_reset_sends_a_link_by_email(client, director):
    from tests.queued_tasks import drop_queued_tasks, run_queued_tasks

    drop_queued_tasks()
    response = client.post("/accounts/password_reset/", {"email": director.email})
    assert response.status_code == 302
    run_queued_tasks()  # the worker's part: the e-mail is sent in the background
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_signing_in_with_a_wrong_password_says_so(client, director):
    response = client.post("/accounts/login/", {"username": director.email, "password": "no"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_signing_in_by_email_reaches_the_home(client, director):
    response = client.post(
        "/accounts/login/", {"username": director.email.upper(), "password": "pw"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Needs attention" in response.content.decode()


def test_repeated_wrong_passwords_lock_that_sign_in_out(client, director, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": director.email, "password": "guess"})
    response = client.post("/accounts/login/", {"username": director.email, "password": "pw"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


# What anyone can type into the list's address bar: each odd value is ignored, as if absent.
ODD_LIST_QUERIES = [
    "client=%C2%B2",  # "²" is a digit to str.isdigit(), not to int()
    "manager=%C2%B2",
    "director=99999999999999999999999999",
    "client=-1",
    "client=abc",
    "manager=1.5",
    "q=%00",  # PostgreSQL refuses NUL in text
    "q=a%00b",
    "q=" + "x" * 300,
    "page=x",
    "page=0",
    "page=-1",
    "page=99999999999999999999999999",
    "sort=evil",
    "sort=%00",
    "state=nowhere",
    "state=%00",
    "flag=%00",
    "flag=martian",
    "client=%C2%B2&director=99999999999999999999999999&q=%00&page=x&sort=evil&state=x",
]


@pytest.mark.parametrize("query", ODD_LIST_QUERIES)
@pytest.mark.parametrize("role", ["director", "client", "admin"])
def test_an_odd_list_parameter_is_ignored(query, role, world, cast, client):
    client.force_login(cast[role])
    response = client.get(f"/assignments/?{query}")
    assert response.status_code == 200
    assert world["a"].title in response.content.decode()


def test_the_valid_filters_still_apply_beside_an_odd_one(world, cast, client):
    client.force_login(cast["director"])
    title = world["a"].title
    running = client.get("/assignments/?state=in_progress&client=%C2%B2&page=x")
    assert title in running.content.decode()
    briefs = client.get("/assignments/?state=brief&director=99999999999999999999999999")
    assert title not in briefs.content.decode()

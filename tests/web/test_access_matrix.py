"""Every URL × every party against an expected status. A URL missing from the table fails.

Two more people check that a person with two roles is, on an assignment, only the party
they are on it: a director of another firm and a manager of this firm's pool (not on the
assignment), each also a contact of the assignment's client, get exactly what the client
gets on every address of the assignment, and what their other hat gets elsewhere."""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

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

# name: (method, url kwargs, statuses in ROLES order). The assignment is in progress.
# 302 for a party = the action ran or was refused with a message and a redirect;
# 400 = the form came back with its errors; 403 = may see, may not change; 404 = outsider.
OUTSIDERS_404 = {"other_director": 404, "other_manager": 404, "other_client": 404}
TABLE = {
    "home": ("GET", {}, [302, 200, 200, 200, 200, 200, 200, 200]),
    "healthz": ("GET", {}, [200, 200, 200, 200, 200, 200, 200, 200]),
    "favicon": ("GET", {}, [302] * 8),
    "login": ("GET", {}, [200, 200, 200, 200, 200, 200, 200, 200]),
    "logout": ("POST", {}, [302, 302, 302, 302, 302, 302, 302, 302]),
    "password_change": ("GET", {}, [302, 200, 200, 200, 200, 200, 200, 200]),
    "password_change_done": ("GET", {}, [302, 200, 200, 200, 200, 200, 200, 200]),
    "password_reset": ("GET", {}, [200] * 8),
    "password_reset_done": ("GET", {}, [200] * 8),
    "password_reset_confirm": ("GET", {"uidb64": "MQ", "token": "bad-token"}, [200] * 8),
    "password_reset_complete": ("GET", {}, [200] * 8),
    "switch_role": ("POST", {}, [302, 302, 302, 302, 302, 302, 302, 302]),
    "set_language": ("POST", {}, [302] * 8),
    "api:schema": ("GET", {}, [200] * 8),
    "api:docs": ("GET", {}, [200] * 8),
    "api:api-root": ("GET", {}, [401, 200, 200, 200, 200, 200, 200, 200]),
    # The API's reading side: the page's walls (tests/api/test_access_matrix.py asks the
    # page for each party and compares); signed out, a 401 instead of the sign-in page.
    "api:assignment-list": ("GET", {}, [401, 200, 200, 200, 200, 200, 200, 200]),
    "api:assignment-detail": ("GET", {"pk"}, [401, 200, 404, 200, 404, 200, 404, 200]),
    "api:assignment-brief": ("GET", {"pk"}, [401, 200, 404, 200, 404, 200, 404, 200]),
    "api:candidacy-list": ("GET", {"pk"}, [401, 200, 404, 200, 404, 200, 404, 200]),
    "api:candidacy-detail": (
        "GET",
        {"pk", "candidacy_id"},
        [401, 200, 404, 200, 404, 200, 404, 200],
    ),
    "api:audit-report-list": ("GET", {"pk"}, [401, 200, 404, 200, 404, 200, 404, 200]),
    "api:audit-report-detail": (
        "GET",
        {"pk", "report_id"},
        [401, 200, 404, 200, 404, 200, 404, 200],
    ),
    "api:action-plan-list": ("GET", {"pk"}, [401, 200, 404, 200, 404, 200, 404, 200]),
    "api:action-plan-detail": (
        "GET",
        {"pk", "plan_id"},
        [401, 200, 404, 200, 404, 200, 404, 200],
    ),
    "api:meeting-list": ("GET", {"pk"}, [401, 200, 404, 200, 404, 200, 404, 200]),
    "api:meeting-detail": (
        "GET",
        {"pk", "meeting_id"},
        [401, 200, 404, 200, 404, 200, 404, 200],
    ),
    # Flags: the provider's; the client side gets 404, as for a flag on the page.
    "api:flag-list": ("GET", {"pk"}, [401, 200, 404, 200, 404, 404, 404, 200]),
    "api:flag-detail": ("GET", {"pk", "flag_id"}, [401, 200, 404, 200, 404, 404, 404, 200]),
    "api:notification-list": ("GET", {}, [401, 200, 200, 200, 200, 200, 200, 200]),
    # The world's notification is the director's.
    "api:notification-detail": (
        "GET",
        {"notification_id"},
        [401, 200, 404, 404, 404, 404, 404, 404],
    ),
    # The API's writes, posted empty: the web's twin's walls and refusals, as JSON (400 the
    # missing fields, 409 what the in-progress assignment's state refuses).
    "api:assignment-transition": (
        "POST",
        {"pk", "name"},
        [401, 400, 404, 403, 404, 403, 404, 400],
    ),
    "api:brief-update": ("POST", {"pk"}, [401, 409, 404, 403, 404, 403, 404, 409]),
    "api:candidacy-present": (
        "POST",
        {"pk", "candidacy_id"},
        [401, 409, 404, 403, 404, 403, 404, 409],
    ),
    "api:audit-report-start": ("POST", {"pk"}, [401, 403, 404, 409, 404, 403, 404, 409]),
    "api:audit-report-save": (
        "POST",
        {"pk", "report_id"},
        [401, 403, 404, 409, 404, 403, 404, 409],
    ),
    "api:audit-report-submit": (
        "POST",
        {"pk", "report_id"},
        [401, 403, 404, 409, 404, 403, 404, 409],
    ),
    "api:action-plan-confirm": (
        "POST",
        {"pk", "plan_id"},
        [401, 409, 404, 409, 404, 409, 404, 409],
    ),
    "api:commitment-delivered": (
        "POST",
        {"pk", "commitment_id"},
        [401, 200, 404, 200, 404, 200, 404, 200],
    ),
    "api:meeting-schedule": ("POST", {"pk"}, [401, 400, 404, 403, 404, 403, 404, 400]),
    "api:meeting-record": (
        "POST",
        {"pk", "meeting_id"},
        [401, 400, 404, 400, 404, 403, 404, 400],
    ),
    "api:flag-resolve": ("POST", {"pk", "flag_id"}, [401, 400, 404, 403, 404, 404, 404, 400]),
    "api:notification-read": (
        "POST",
        {"notification_id"},
        [401, 200, 404, 404, 404, 404, 404, 404],
    ),
    "api:notifications-read-all": ("POST", {}, [401] + [200] * 7),
    "notifications:list": ("GET", {}, [302, 200, 200, 200, 200, 200, 200, 200]),
    "notifications:read": ("POST", {"notification_id"}, [302, 302, 404, 404, 404, 404, 404, 404]),
    "notifications:read_all": ("POST", {}, [302, 302, 302, 302, 302, 302, 302, 302]),
    "notifications:settings": ("GET", {}, [302, 200, 200, 200, 200, 200, 200, 200]),
    "assignments:list": ("GET", {}, [302, 200, 200, 200, 200, 200, 200, 200]),
    "assignments:create": ("GET", {}, [302, 200, 200, 403, 403, 403, 403, 403]),
    "assignments:detail": ("GET", {"pk"}, [302, 200, 404, 200, 404, 200, 404, 200]),
    "assignments:transition": (
        "POST",
        {"pk", "name"},
        [302, 400, 404, 403, 404, 403, 404, 400],
    ),
    "assignments:brief": ("GET", {"pk"}, [302, 200, 404, 403, 404, 403, 404, 200]),
    "assignments:candidacy_add": ("GET", {"pk"}, [302, 200, 404, 403, 404, 403, 404, 200]),
    "assignments:candidacy_vet": (
        "GET",
        {"pk", "candidacy_id"},
        [302, 200, 404, 403, 404, 403, 404, 200],
    ),
    "assignments:candidacy_present": (
        "GET",
        {"pk", "candidacy_id"},
        [302, 200, 404, 403, 404, 403, 404, 200],
    ),
    "assignments:negotiation_round": (
        "GET",
        {"pk", "candidacy_id"},
        [302, 200, 404, 403, 404, 403, 404, 200],
    ),
    "assignments:audit_start": ("POST", {"pk"}, [302, 403, 404, 302, 404, 403, 404, 302]),
    "assignments:audit_edit": (
        "GET",
        {"pk", "report_id"},
        [302, 403, 404, 302, 404, 403, 404, 302],
    ),
    # The second opinion on the gap levels: the provider's; the client 404s, as outsiders.
    "assignments:audit_suggestions": (
        "GET",
        {"pk", "report_id"},
        [302, 200, 404, 200, 404, 404, 404, 200],
    ),
    # Without a dimension to ask about: 400 for whoever may see the second opinion.
    "assignments:audit_suggestion_hint": (
        "GET",
        {"pk", "report_id"},
        [302, 400, 404, 400, 404, 404, 404, 400],
    ),
    "assignments:audit_return": (
        "POST",
        {"pk", "report_id"},
        [302, 400, 404, 403, 404, 403, 404, 400],
    ),
    "assignments:plan_new": ("POST", {"pk"}, [302, 302, 404, 302, 404, 403, 404, 302]),
    "assignments:plan_edit": (
        "GET",
        {"pk", "plan_id"},
        [302, 302, 404, 302, 404, 403, 404, 302],
    ),
    "assignments:plan_confirm": (
        "POST",
        {"pk", "plan_id"},
        [302, 302, 404, 302, 404, 302, 404, 302],
    ),
    # The plan as a document: for whoever sees it on the assignment page.
    "assignments:plan_print": (
        "GET",
        {"pk", "plan_id"},
        [302, 200, 404, 200, 404, 200, 404, 200],
    ),
    "assignments:plan_pdf": ("GET", {"pk", "plan_id"}, [302, 200, 404, 200, 404, 200, 404, 200]),
    "assignments:commitment_delivered": (
        "POST",
        {"pk", "commitment_id"},
        [302, 302, 404, 302, 404, 302, 404, 302],
    ),
    "assignments:meeting_schedule": ("GET", {"pk"}, [302, 200, 404, 403, 404, 403, 404, 200]),
    "assignments:meeting_record": (
        "GET",
        {"pk", "meeting_id"},
        [302, 200, 404, 200, 404, 403, 404, 200],
    ),
    "assignments:meeting_missed": (
        "POST",
        {"pk", "meeting_id"},
        [302, 302, 404, 403, 404, 403, 404, 302],
    ),
    # A meeting's "add to calendar" file: behind the same wall as the meeting on the page.
    "assignments:meeting_ics": (
        "GET",
        {"pk", "meeting_id"},
        [302, 200, 404, 200, 404, 200, 404, 200],
    ),
    # The client has no flags: an existing one is as unknown to them as a missing one.
    "assignments:flag_resolve": (
        "GET",
        {"pk", "flag_id"},
        [302, 200, 404, 403, 404, 404, 404, 200],
    ),
    # The private channel: the client side, even with another hat, learns nothing of it.
    "assignments:channel": ("GET", {"pk"}, [302, 200, 404, 200, 404, 404, 404, 200]),
    # The close-out opens only when the assignment ends: none yet in this world.
    "assignments:closeout": ("GET", {"pk"}, [302, 404, 404, 404, 404, 404, 404, 404]),
    # Its report, behind the same walls (tests/web/test_documents.py for a closed world).
    "assignments:closeout_print": ("GET", {"pk"}, [302, 404, 404, 404, 404, 404, 404, 404]),
    "assignments:closeout_pdf": ("GET", {"pk"}, [302, 404, 404, 404, 404, 404, 404, 404]),
    # The firm's client list: its directors only (admins keep it in Django admin).
    "firm_clients": ("GET", {}, [302, 200, 200, 403, 403, 403, 403, 403]),
    "firm_client_remove": (
        "POST",
        {"organisation_id"},
        [302, 302, 404, 403, 403, 403, 403, 403],
    ),
    # The pipeline of new business: the firm's directors (every firm's for an admin); the
    # manager and the client are refused the list and learn nothing of a lead. The world's
    # lead is open: starting an assignment from it is refused with a message.
    "opportunities:list": ("GET", {}, [302, 200, 200, 403, 403, 403, 403, 200]),
    "opportunities:export": ("GET", {}, [302, 200, 200, 403, 403, 403, 403, 200]),
    "opportunities:create": ("GET", {}, [302, 200, 200, 403, 403, 403, 403, 200]),
    "opportunities:edit": (
        "GET",
        {"opportunity_id"},
        [302, 200, 404, 404, 404, 404, 404, 200],
    ),
    "opportunities:start": (
        "POST",
        {"opportunity_id"},
        [302, 302, 404, 404, 404, 404, 404, 403],
    ),
    # One's own calendar address: its page and its buttons, for anyone signed in (each
    # acts on their own address only).
    "calendar_settings": ("GET", {}, [302, 200, 200, 200, 200, 200, 200, 200]),
    "calendar_create": ("POST", {}, [302, 302, 302, 302, 302, 302, 302, 302]),
    "calendar_rotate": ("POST", {}, [302, 302, 302, 302, 302, 302, 302, 302]),
    "calendar_revoke": ("POST", {}, [302, 302, 302, 302, 302, 302, 302, 302]),
    # The feed: its secret address is the credential, whoever asks (the director's here).
    "calendar_feed": ("GET", {"token"}, [200] * 8),
    # The manager pool: the firm's directors (every manager for an admin); a pool is added
    # to and taken from by its firm's directors only.
    "managers": ("GET", {}, [302, 200, 200, 403, 403, 403, 403, 200]),
    "manager_add": ("GET", {}, [302, 200, 200, 403, 403, 403, 403, 403]),
    # The selected manager's profile: in full for the firm, their own for the manager, as a
    # candidate for the client it was presented to; unknown to anyone else.
    "manager_profile": ("GET", {"manager_id"}, [302, 200, 404, 200, 404, 200, 404, 200]),
    "manager_edit": ("GET", {"manager_id"}, [302, 200, 404, 403, 404, 403, 404, 200]),
    "manager_remove": ("POST", {"manager_id"}, [302, 302, 404, 403, 404, 403, 404, 403]),
}


def url_names(resolver=None, namespace=""):
    """Every named URL of the project, Django admin's excepted (tests/assignments/test_admin)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


# Each two-role person: who they are like on the assignment's addresses, and elsewhere.
TWO_ROLES = {
    "director_and_client": ("client", "other_director"),
    "manager_and_client": ("client", "other_manager"),
}


def expected_for(params, expected):
    found = dict(zip(ROLES, expected, strict=True))
    # The selected manager's profile is seen as the assignment's client sees it: both
    # two-role people are contacts of the client it was presented to.
    about_the_assignment = "pk" in params or "manager_id" in params
    for person, (on_assignment, elsewhere) in TWO_ROLES.items():
        found[person] = found[on_assignment if about_the_assignment else elsewhere]
    return found


def test_every_url_is_in_the_access_matrix():
    assert set(url_names()) == set(TABLE)


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access_matrix(name, world, cast, client):
    method, params, expected = TABLE[name]
    if isinstance(params, dict):
        kwargs = params
    else:
        kwargs = {p: world[p] for p in params if p != "name"}
        if "name" in params:
            kwargs["name"] = "complete"
    url = reverse(name, kwargs=kwargs)
    found = {}
    for role in [*ROLES, *TWO_ROLES]:
        client.logout()
        if role != "anonymous":
            client.force_login(cast[role])
        try:
            with transaction.atomic():
                response = client.post(url) if method == "POST" else client.get(url)
                found[role] = response.status_code
                raise _Rollback
        except _Rollback:
            pass
    assert found == expected_for(params, expected)


def test_anonymous_users_are_sent_to_sign_in(client, world):
    response = client.get(reverse("assignments:detail", args=[world["pk"]]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_unknown_assignment_is_404_for_everyone(client, cast):
    client.force_login(cast["admin"])
    assert client.get("/assignments/999999/").status_code == 404


def test_an_unknown_transition_is_404(client, world, cast):
    client.force_login(cast["director"])
    response = client.post(f"/assignments/{world['pk']}/transition/teleport/")
    assert response.status_code == 404
    assert "no transition called" in response.content.decode()

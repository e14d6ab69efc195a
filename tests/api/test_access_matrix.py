"""The API's access matrix is the web's: for each party of the cast, an API address answers
200 exactly when the web page shows the same thing to that party (and 404 when it does not,
401 signed out), asked live of both; the web matrix's rows for the API say the same."""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.web.test_access_matrix import ROLES, TABLE, TWO_ROLES, expected_for

# API address: (the web page showing the same thing, the mark of it on that page or None
# when the page's status says it all). Marks name the world's records by their ids.
WEB_TWIN = {
    "api:assignment-list": ("assignments:list", None),
    "api:assignment-detail": ("assignments:detail", None),
    "api:assignment-brief": ("assignments:detail", 'id="brief"'),
    "api:candidacy-list": ("assignments:detail", 'id="selection"'),
    "api:candidacy-detail": ("assignments:detail", 'data-candidacy="{candidacy_id}"'),
    "api:audit-report-list": ("assignments:detail", 'id="audit"'),
    "api:audit-report-detail": ("assignments:detail", 'data-testid="report-drift"'),
    "api:action-plan-list": ("assignments:detail", 'id="plan"'),
    "api:action-plan-detail": ("assignments:plan_print", None),
    "api:meeting-list": ("assignments:detail", 'id="meetings"'),
    "api:meeting-detail": ("assignments:detail", 'data-meeting="{meeting_id}"'),
    "api:flag-list": ("assignments:detail", 'id="flags"'),
    "api:flag-detail": ("assignments:detail", 'data-flag="{flag_id}"'),
    "api:notification-list": ("notifications:list", None),
    "api:notification-detail": ("notifications:list", 'id="notification-{notification_id}"'),
}
PEOPLE = [*ROLES, *TWO_ROLES]


class _Rollback(Exception):
    pass


def get_as(client, cast, role, url):
    client.logout()
    if role != "anonymous":
        client.force_login(cast[role])
    try:
        with transaction.atomic():
            response = client.get(url)
            raise _Rollback(response)
    except _Rollback as done:
        return done.args[0]


def url_of(name, world):
    params = TABLE[name][1]
    return reverse(name, kwargs={p: world[p] for p in params})


def web_shows(response, mark):
    return response.status_code == 200 and (mark is None or mark in response.content.decode())


def test_every_reading_address_of_the_api_has_its_web_twin():
    api = {name for name, (method, _, _) in TABLE.items() if name.startswith("api:")}
    reading = {name for name in api if TABLE[name][0] == "GET"}
    assert reading - {"api:schema", "api:docs", "api:api-root"} == set(WEB_TWIN)


@pytest.mark.parametrize("name", sorted(WEB_TWIN))
def test_the_api_shows_each_party_what_the_web_page_shows(name, world, cast, client):
    web_name, mark = WEB_TWIN[name]
    mark = mark.format(**world) if mark else None
    web_url, api_url = url_of(web_name, world), url_of(name, world)
    found, expected = {}, {}
    for role in PEOPLE:
        shown = web_shows(get_as(client, cast, role, web_url), mark)
        expected[role] = 200 if shown else 401 if role == "anonymous" else 404
        found[role] = get_as(client, cast, role, api_url).status_code
    assert found == expected
    # The web matrix's row for this address says the same.
    _method, params, statuses = TABLE[name]
    assert expected_for(params, statuses) == expected


def test_a_token_reads_the_same_as_a_session(world, cast, client, api):
    """The matrix above signs in by session; a token is the same person."""
    for role in ("director", "client", "other_client"):
        token = Token.objects.create(user=cast[role])
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        for name in ("api:assignment-detail", "api:flag-list"):
            by_token = api.get(url_of(name, world)).status_code
            assert by_token == get_as(client, cast, role, url_of(name, world)).status_code

"""Pages cost a fixed number of queries, whatever the amount of data."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from zeal import zeal_ignore

from assignments.models import Assignment, State
from partners.models import User

PAGES = {
    "director dashboard": ("director@demo.test", "/"),
    "manager home": ("manager@demo.test", "/"),
    "client home": ("client@demo.test", "/"),
    "assignment list": ("director@demo.test", "/assignments/"),
    "filtered list": ("director@demo.test", "/assignments/?state=in_progress&flag=fuse_risk&q=a"),
    "notifications": ("director@demo.test", "/notifications/"),
    "assignment page": ("director@demo.test", "detail"),
    "assignment page (client)": ("client@demo.test", "detail"),
    "admin dashboard": ("admin@demo.test", "/"),
    "admin changelist": ("admin@demo.test", "/admin/assignments/assignment/"),
    "pipeline": ("director@demo.test", "/opportunities/"),
}
# The pinned ceilings with the cache empty (a session read from the database, the
# dashboard computed) and warm (the session, the dashboard's body and the unread count
# from the cache); equal counts at two data sizes are asserted separately.
COLD = {
    # The dashboards' 16th: the firm's mirror (its presentations and how they ended).
    "director dashboard": 16,
    "manager home": 6,
    "client home": 8,
    "assignment list": 8,
    "filtered list": 7,
    "notifications": 4,
    "assignment page": 19,
    "assignment page (client)": 18,
    "admin dashboard": 16,
    "admin changelist": 7,
    # The pipeline: its page of leads, their sums per currency and closing day, the firm's
    # reporting currency and the rates those sums need (one query for all of them).
    "pipeline": 10,
}
WARM = {
    "director dashboard": 2,
    "manager home": 4,
    "client home": 6,
    "assignment list": 6,
    "filtered list": 5,
    "notifications": 2,
    "assignment page": 17,
    "assignment page (client)": 16,
    "admin dashboard": 2,
    "admin changelist": 6,
    "pipeline": 8,
}


def count_queries(client, email, url, *, warm):
    # The test signs in once per page it measures.
    with zeal_ignore([{"model": "partners.User", "field": "get()"}]):
        client.force_login(User.objects.get(email=email))
    if warm:
        assert client.get(url).status_code == 200
    else:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def counts(client, detail_url):
    return {
        (page, temperature): count_queries(
            client, email, detail_url if url == "detail" else url, warm=temperature == "warm"
        )
        for page, (email, url) in PAGES.items()
        for temperature in ("cold", "warm")
    }


@pytest.fixture
def detail_url(db):
    call_command("seed_demo", scale=10, seed=3)
    running = Assignment.objects.get(title="Interim CIO – ERP roll-out")
    assert running.state == State.IN_PROGRESS
    return f"/assignments/{running.pk}/"


def test_query_counts_are_pinned_and_do_not_grow_with_data(client, detail_url):
    small = counts(client, detail_url)
    call_command("seed_demo", scale=90, seed=4)
    assert Assignment.objects.count() >= 100
    large = counts(client, detail_url)
    print("\nQueries per page at 10 and 100 assignments:", large)
    assert small == large
    for (page, temperature), n in large.items():
        ceiling = (COLD if temperature == "cold" else WARM)[page]
        assert n <= ceiling, f"{page} ({temperature}): {n} queries > {ceiling}"
    # The cache pays: the dashboard's body, the session and the unread count.
    assert large["director dashboard", "warm"] <= 2 < large["director dashboard", "cold"]


def test_the_dashboard_stays_within_its_ceiling(client, detail_url, django_assert_max_num_queries):
    client.force_login(User.objects.get(email="director@demo.test"))
    with django_assert_max_num_queries(COLD["director dashboard"]):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(COLD["assignment list"]):
        assert client.get("/assignments/").status_code == 200
    with django_assert_max_num_queries(COLD["assignment page"]):
        assert client.get(detail_url).status_code == 200

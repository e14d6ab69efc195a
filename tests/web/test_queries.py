"""Pages cost a fixed number of queries, whatever the amount of data."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
}
# The pinned ceilings; equal counts at two data sizes are asserted separately.
CEILINGS = {
    "director dashboard": 15,
    "manager home": 8,
    "client home": 9,
    "assignment list": 9,
    "filtered list": 9,
    "notifications": 6,
    "assignment page": 19,
    "assignment page (client)": 19,
}


def count_queries(client, email, url):
    client.force_login(User.objects.get(email=email))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.fixture
def detail_url(db):
    call_command("seed_demo", scale=10, seed=3)
    running = Assignment.objects.get(title="Interim CIO – ERP roll-out")
    assert running.state == State.IN_PROGRESS
    return f"/assignments/{running.pk}/"


def test_query_counts_are_pinned_and_do_not_grow_with_data(client, detail_url):
    small = {
        page: count_queries(client, email, detail_url if url == "detail" else url)
        for page, (email, url) in PAGES.items()
    }
    call_command("seed_demo", scale=90, seed=4)
    assert Assignment.objects.count() >= 100
    large = {
        page: count_queries(client, email, detail_url if url == "detail" else url)
        for page, (email, url) in PAGES.items()
    }
    print("\nQueries per page at 10 and 100 assignments:", large)
    assert small == large
    for page, n in large.items():
        assert n <= CEILINGS[page], f"{page}: {n} queries > {CEILINGS[page]}"


def test_the_dashboard_stays_within_its_ceiling(client, detail_url, django_assert_max_num_queries):
    client.force_login(User.objects.get(email="director@demo.test"))
    with django_assert_max_num_queries(CEILINGS["director dashboard"]):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(CEILINGS["assignment list"]):
        assert client.get("/assignments/").status_code == 200
    with django_assert_max_num_queries(CEILINGS["assignment page"]):
        assert client.get(detail_url).status_code == 200

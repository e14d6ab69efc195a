"""The N+1 guard is on in every test: a relation or deferred field loaded lazily row by row
raises, in the test's own code, through the test client and in a live server's thread."""

import urllib.error
import urllib.request

import pytest
from django.http import HttpResponse
from django.urls import path
from zeal import NPlusOneError

from assignments.models import Assignment
from tests.factories import AssignmentFactory


def client_names(queryset):
    return [assignment.client.name for assignment in queryset]


def states(queryset):
    return [assignment.state for assignment in queryset]


def client_names_view(request):
    return HttpResponse(", ".join(client_names(Assignment.objects.order_by("pk"))))


def client_names_joined_view(request):
    queryset = Assignment.objects.select_related("client").order_by("pk")
    return HttpResponse(", ".join(client_names(queryset)))


urlpatterns = [
    path("lazy/", client_names_view),
    path("joined/", client_names_joined_view),
]


@pytest.fixture
def two_assignments(db):
    return AssignmentFactory.create_batch(2)


def test_a_relation_read_row_by_row_raises(two_assignments):
    with pytest.raises(NPlusOneError, match=r"Assignment\.client"):
        client_names(Assignment.objects.order_by("pk"))


def test_the_same_relation_joined_passes(two_assignments):
    queryset = Assignment.objects.select_related("client").order_by("pk")
    assert client_names(queryset) == [a.client.name for a in two_assignments]


def test_a_deferred_field_read_row_by_row_raises(two_assignments):
    with pytest.raises(NPlusOneError, match=r"Assignment\.state"):
        states(Assignment.objects.only("title"))


@pytest.mark.urls(__name__)
def test_an_nplusone_in_a_request_raises_through_the_test_client(two_assignments, client):
    with pytest.raises(NPlusOneError, match=r"Assignment\.client"):
        client.get("/lazy/")
    assert client.get("/joined/").status_code == 200


@pytest.mark.urls(__name__)
def test_each_request_counts_afresh(two_assignments, client):
    """One lazy load per request is no N+1, however many requests a test makes."""
    Assignment.objects.exclude(pk=two_assignments[0].pk).delete()
    assert client.get("/lazy/").status_code == 200
    assert client.get("/lazy/").status_code == 200


@pytest.mark.urls(__name__)
def test_an_nplusone_in_a_live_server_request_fails_the_test(
    two_assignments, live_server, transactional_db, _no_nplusone
):
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(f"{live_server.url}/lazy/", timeout=10)
    assert answer.value.code == 500
    assert len(_no_nplusone) == 1 and "Assignment.client" in _no_nplusone[0]
    # Collected for the end of the test, where it would fail it; this test expects it.
    _no_nplusone.clear()
    with urllib.request.urlopen(f"{live_server.url}/joined/", timeout=10) as ok:
        assert ok.status == 200

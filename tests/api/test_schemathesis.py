"""Every operation of the API's schema, fuzzed by schemathesis in-process, as each party: no
answer is a server error, each answer's status is one the schema documents and its body
conforms to the schema.

The schema is the one drf-spectacular builds for /api/schema/ (asserted below); the
requests go through the WSGI application, in the test's own thread and database
transaction. Each request runs in a savepoint rolled back after it, so that a write that
succeeds (a director cancelling the assignment) never changes what later cases meet: every
case starts from the same world, and the run is derandomized, so the same cases run every
time (one test for all the operations: one world to build). Half of the cases use the
world's real ids (the other half random ones, mostly 404s), so the writes get past the walls
when the party may pass them; each write also gets cases whose input does not fit.
"""

import json
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

PARTIES = ["director", "manager", "client", "other_client", "admin", "anonymous"]
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
# Cases per operation (each sent once per party): enough to reach each write's refusals
# and its success, few enough for the whole run to stay within a few minutes.
MAX_EXAMPLES = 8
# And for each write, cases whose input does not fit the schema.
NEGATIVE = 4
WRITES = ("POST", "PUT", "PATCH", "DELETE")

# The path parameters of the schema, and the world's record each one names.
REAL_IDS = {
    "id": "pk",
    "candidacy_id": "candidacy_id",
    "report_id": "report_id",
    "plan_id": "plan_id",
    "commitment_id": "commitment_id",
    "meeting_id": "meeting_id",
    "flag_id": "flag_id",
    "notification_id": "notification_id",
}


def built_schema():
    """The schema /api/schema/ serves, built in-process (no request, no database)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


SCHEMA_DICT = built_schema()
SCHEMA = schemathesis.openapi.from_dict(SCHEMA_DICT)
SCHEMA.app = WSGIHandler()
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}
# What each party was sent: cases per operation, and the statuses answered (printed at the
# end with -s).
EXERCISED = defaultdict(Counter)
ANSWERED = defaultdict(Counter)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if EXERCISED:
        print(f"\nschemathesis: {len(OPERATIONS)} operations in the schema")
        for party in PARTIES:
            cases = EXERCISED[party]
            statuses = ", ".join(f"{k}: {n}" for k, n in sorted(ANSWERED[party].items()))
            print(f"  {party}: {len(cases)} operations, {sum(cases.values())} cases ({statuses})")


@pytest.fixture
def in_process():
    """Requests made through the WSGI handler in the test's thread: Django's end-of-request
    signal would close the connection, and with it the test's transaction (the test
    client disconnects it the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def headers(cast):
    found = {"anonymous": {}}
    for party in PARTIES[:-1]:
        key = Token.objects.create(user=cast[party]).key
        found[party] = {"Authorization": f"Token {key}"}
    return found


def test_the_schema_tested_is_the_one_served(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content) == SCHEMA_DICT


def test_the_schema_has_the_reads_and_the_writes():
    writes = [op for op in OPERATIONS.values() if op.method.upper() == "POST"]
    reads = [op for op in OPERATIONS.values() if op.method.upper() == "GET"]
    assert len(writes) >= 13
    assert len(reads) >= 10


def strategy_for(operation, world, mode=GenerationMode.POSITIVE):
    names = [p.name for p in operation.path_parameters]
    real = {name: world[REAL_IDS[name]] for name in names if name in REAL_IDS}
    random = operation.as_strategy(generation_mode=mode)
    if not real:
        return random
    return st.one_of(operation.as_strategy(generation_mode=mode, path_parameters=real), random)


def fuzz(strategy, headers, sent, max_examples):
    """Send each case as every party, each request in a savepoint rolled back after it."""

    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=strategy)
    def run(case):
        for party in PARTIES:
            with transaction.atomic():
                response = case.call_and_validate(headers=headers[party], checks=CHECKS)
                transaction.set_rollback(True)
            sent[party] += 1
            ANSWERED[party][response.status_code] += 1

    run()


def test_every_operation_as_every_party(world, headers, in_process):
    """One world for all the operations (each request rolled back): building it is most of
    a case's cost otherwise. Every operation is run; the failures are reported together."""
    failures = []
    for label, operation in sorted(OPERATIONS.items()):
        sent = Counter()
        try:
            fuzz(strategy_for(operation, world), headers, sent, MAX_EXAMPLES)
            if operation.method.upper() in WRITES and (
                len(operation.body) or operation.path_parameters
            ):
                # Input that does not fit the schema: a 400 naming the field, never a 500.
                negative = strategy_for(operation, world, GenerationMode.NEGATIVE)
                fuzz(negative, headers, sent, NEGATIVE)
        except Exception as exc:
            exc.add_note(f"Operation: {label}")
            failures.append((label, exc))
            continue
        assert set(sent) == set(PARTIES), label
        for party, n in sent.items():
            EXERCISED[party][label] += n
    if failures:
        labels = ", ".join(label for label, _ in failures)
        raise AssertionError(f"{len(failures)} operation(s) failed: {labels}") from failures[0][1]
    assert set(EXERCISED["anonymous"]) == set(OPERATIONS)

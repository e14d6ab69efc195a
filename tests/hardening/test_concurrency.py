"""Two people acting on one assignment at the same moment, each on their own connection:
exactly one transition wins, the other is refused with a sentence, and the history holds one
row per success. Needs PostgreSQL (see machine.py)."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from zeal import zeal_ignore

from assignments import services
from assignments.constants import Party, State
from assignments.exceptions import AssignmentChanged, Refused
from assignments.models import ActionPlan, Assignment, PlanConfirmation, TransitionRecord

from .machine import on_postgresql  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("on_postgresql")

ROUNDS = 100
RUNNING = State.IN_PROGRESS


class Racers:
    """Two threads, each with its own database connection for all the rounds, released
    together by a barrier: each reads, then both write at the same moment."""

    def __init__(self, size=2):
        self.size = size
        self.barrier = threading.Barrier(size, timeout=30)
        self.pool = ThreadPoolExecutor(max_workers=size)

    def _run(self, call):
        try:
            prepared = call()  # read the assignment before the others write
            self.barrier.wait()
            return prepared()
        except threading.BrokenBarrierError:
            raise
        except Exception as exc:
            return exc

    def race(self, *calls):
        """What each call returned or raised."""
        assert len(calls) == self.size
        # Each job waits at the barrier, so the pool's threads take one job each.
        futures = [self.pool.submit(self._run, call) for call in calls]
        return [f.result(timeout=60) for f in futures]

    def close(self):
        def close_connection():
            self.barrier.wait()  # one job per thread, so every thread closes its own
            connection.close()

        for f in [self.pool.submit(close_connection) for _ in range(self.size)]:
            f.result(timeout=60)
        self.pool.shutdown()


@pytest.fixture
def racers():
    r = Racers()
    yield r
    r.close()


def transition(pk, user, name):
    arguments = {
        "complete": {"outcome": "Turnaround delivered."},
        "cancel": {"reason": "The client stopped the programme."},
        "start_realignment": {"reason": "Resources missing."},
    }[name]

    def read():
        a = Assignment.objects.get(pk=pk)
        return lambda: services.TRANSITION_SERVICES[name](assignment=a, user=user, **arguments)

    return read


PAIRS = [
    ("complete", "cancel"),
    ("start_realignment", "complete"),
    ("cancel", "start_realignment"),
]


def test_two_conflicting_transitions_at_once_exactly_one_wins(walker, racers):
    a = walker.walk_to("in_progress")
    director = walker.director
    outcomes = Counter()
    started = time.monotonic()
    for round_ in range(ROUNDS):
        Assignment.objects.filter(pk=a.pk).update(
            state=RUNNING, outcome="", cancel_reason="", realignment_reason="", closed_at=None
        )
        last = TransitionRecord.objects.order_by("-pk").values_list("pk", flat=True)[0]
        pair = PAIRS[round_ % len(PAIRS)]
        results = racers.race(*(transition(a.pk, director, name) for name in pair))

        won = [r for r in results if isinstance(r, TransitionRecord)]
        lost = [r for r in results if not isinstance(r, TransitionRecord)]
        assert len(won) == 1 and len(lost) == 1, results
        assert isinstance(lost[0], AssignmentChanged | Refused), repr(lost[0])
        records = TransitionRecord.objects.filter(pk__gt=last)
        assert [(r.transition, r.from_state, r.to_state) for r in records] == [
            (won[0].transition, RUNNING, won[0].to_state)
        ]
        assert state_of(a) == won[0].to_state
        outcomes[f"{won[0].transition} won, loser: {type(lost[0]).__name__}"] += 1
    elapsed = time.monotonic() - started
    print(f"{ROUNDS} rounds in {elapsed:.1f} s: {dict(outcomes)}")
    assert sum(outcomes.values()) == ROUNDS


def state_of(assignment):
    """The stored state, read afresh each round: one read per round is the test's design,
    not an N+1 of the code under test."""
    with zeal_ignore():
        return Assignment.objects.get(pk=assignment.pk).state


def plan_status(plan):
    with zeal_ignore():
        return ActionPlan.objects.get(pk=plan.pk).status


def confirm(plan_pk, user):
    def read():
        plan = ActionPlan.objects.get(pk=plan_pk)
        return lambda: services.action_plan_confirm(plan=plan, user=user)

    return read


CONFIRM_ROUNDS = 10


def test_two_parties_confirming_a_plan_at_once_both_count(walker, racers):
    walker.walk_to("action_plan")
    plan = walker.draft_plan()
    director, manager, client = walker.director, walker.manager, walker.client
    for _ in range(CONFIRM_ROUNDS):
        # The director and the manager at once: two confirmations, the plan still open.
        PlanConfirmation.objects.filter(plan=plan).delete()
        ActionPlan.objects.filter(pk=plan.pk).update(
            status=ActionPlan.Status.DRAFT, confirmed_at=None
        )
        results = racers.race(confirm(plan.pk, director), confirm(plan.pk, manager))
        assert all(isinstance(r, ActionPlan) for r in results), results
        assert set(plan.confirmations.values_list("party", flat=True)) == {
            Party.DIRECTOR,
            Party.MANAGER,
        }
        assert plan_status(plan) == ActionPlan.Status.DRAFT

        # The last two at once: the third confirmation locks the version, once.
        PlanConfirmation.objects.filter(plan=plan, party=Party.MANAGER).delete()
        results = racers.race(confirm(plan.pk, manager), confirm(plan.pk, client))
        assert all(isinstance(r, ActionPlan) for r in results), results
        assert plan.confirmations.count() == 3
        assert plan_status(plan) == ActionPlan.Status.CONFIRMED
    print(f"{CONFIRM_ROUNDS} rounds of two simultaneous confirmations, twice each: all counted")


def test_the_same_party_confirming_twice_at_once_counts_once(walker, racers):
    walker.walk_to("action_plan")
    plan = walker.draft_plan()
    results = racers.race(confirm(plan.pk, walker.director), confirm(plan.pk, walker.director))
    refusals = [r for r in results if isinstance(r, Refused)]
    assert len(refusals) == 1, results
    assert "already confirmed" in str(refusals[0])
    assert plan.confirmations.count() == 1

"""The demo world's closed assignments: close-outs given in full, in part or not yet, so
that the close-out page, the managers' track records and the firm's mirror have a history.

Each back-story assignment is run through the real services, then dated back to when it
ended (closing dates, the close-out's window, when each part was given)."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from assignments import services
from assignments.constants import Dimension
from assignments.models import (
    Assignment,
    Candidacy,
    ClientCommitment,
    ClientEvaluation,
    Closeout,
    ManagerEvaluation,
    Milestone,
    TransitionRecord,
)
from assignments.services.closeout import last_confirmed_plan

from .world import World, _story, working_day_before

ACHIEVED, PARTLY, NOT = "achieved", "partly", "not_achieved"


@dataclass(frozen=True)
class Ending:
    """How one back-story assignment ended, and what each party said of it."""

    title: str
    manager: str
    days_ago: int  # when it ended
    story: str  # the audit and meetings of STORIES it reuses
    outcome: str = ""  # completed with this outcome, or
    cancel_reason: str = ""  # cancelled for this reason
    results: tuple[str, ...] = (ACHIEVED,) * 6  # one per dimension, in their order
    review: str = ""
    cause: str = ""
    cause_detail: str = ""
    client: tuple | None = None  # (delivery, posture, would engage again, comment)
    manager_view: tuple | None = None  # (commitments kept, provider support, comment)
    delivered: float = 1.0  # the share of the client's commitments delivered
    low_fit: str = ""  # presented with a low fit rating, justified so
    comments: dict = field(default_factory=dict)


ENDINGS = (
    Ending(
        title="Interim Operations Director – Dijon plant",
        manager="manager@demo.test",
        days_ago=270,
        story="dijon",
        outcome="On-time delivery at 96%; the plant director's successor took over in month six.",
        results=(ACHIEVED, ACHIEVED, ACHIEVED, PARTLY, ACHIEVED, ACHIEVED),
        review="A textbook partnership: the audit's gaps were named early and the client "
        "delivered what it promised.",
        client=(5, 4, True, "Thomas gave the plant its confidence back."),
        manager_view=(5, 4, "Resources arrived on time; the partner was there at each review."),
        comments={"resources": "The consulting budget came two months late."},
    ),
    Ending(
        title="Interim Plant Director – Rennes site",
        manager="manager@demo.test",
        days_ago=150,
        story="rennes",
        cancel_reason="The group sold the site before the plan could run its course.",
        results=(PARTLY, NOT, ACHIEVED, NOT, PARTLY, NOT),
        review="The sale was being negotiated during the brief; nobody told us.",
        cause="information_withheld",
        cause_detail="The sale of the site was known to the board at the brief.",
        client=(3, 4, False, "Good work on site, but the group had other plans."),
        manager_view=(2, 4, "Half the promised team never arrived; the sale explained why."),
        delivered=0.0,
    ),
    Ending(
        title="Interim Purchasing Director – cost programme",
        manager="sofia.marin@demo.test",
        days_ago=90,
        story="purchasing",
        outcome="Savings of 4% against 9% targeted; the programme is handed to the CFO.",
        results=(NOT, PARTLY, NOT, PARTLY, NOT, PARTLY),
        review="Presented under pressure to fill the role quickly: the category expertise "
        "the brief asked for was not there.",
        cause="oversell",
        cause_detail="Direct-materials purchasing was new to the manager.",
        client=(2, 3, False, "Committed, but out of her depth on direct materials."),
        manager_view=(4, 2, "I should have said no; the partner never challenged the fit."),
        delivered=0.5,
        low_fit="The client needed someone on site within ten days; she was the one free.",
    ),
)


def demo_closeouts(cast):
    """The back-story close-outs of the demo firm, and the parts given on the one that has
    just ended ("Interim CEO – family succession": the client's evaluation still awaited)."""
    u = cast["by_email"]
    world = World(director=u["director@demo.test"], client=u["client@demo.test"])
    meridian = cast["firms"][0]
    aurelia = cast["clients"][0]
    ended = {_end(world, meridian, aurelia, u, ending): ending for ending in ENDINGS}
    done = Assignment.objects.get(firm=meridian, title="Interim CEO – family succession")
    closeouts = {
        c.assignment_id: c
        for c in Closeout.objects.filter(assignment__in=[*ended, done]).select_related(
            "assignment__interim_manager"
        )
    }
    milestones = _last_confirmed_milestones(closeouts.values())
    for a, ending in ended.items():
        closeout = closeouts[a.pk]
        _review(closeout, world.director, ending, milestones[a.pk])
        _evaluations(closeout, world.client, ending)
        _date_back(a, closeout, a.ended_on)
    closeout = closeouts[done.pk]
    _review(closeout, world.director, JUST_ENDED, milestones[done.pk])
    services.manager_evaluation_submit(
        closeout=closeout,
        user=closeout.assignment.interim_manager,
        data={
            "commitments_kept": 4,
            "provider_support": 5,
            "comment": "The family council kept every date it gave.",
        },
    )


JUST_ENDED = Ending(
    title="Interim CEO – family succession",
    manager="manager@demo.test",
    days_ago=0,
    story="done",
    results=(ACHIEVED, ACHIEVED, PARTLY, ACHIEVED, ACHIEVED, ACHIEVED),
    review="The succession is in place; the skills dimension only partly, as the new CEO "
    "still leans on the family for the export side.",
)


def _end(world, firm, client_org, u, ending):
    """Run one back-story to its end (its commitments kept or not); the assignment, with
    the day it ended as `ended_on`."""
    manager = u[ending.manager]
    ended_on = timezone.localdate() - timedelta(days=ending.days_ago)
    a = world.new(firm, client_org, ending.title)
    world.to_in_progress(a, manager, **_story(ending.story), next_due=working_day_before(ended_on))
    if ending.low_fit:
        Candidacy.objects.filter(assignment=a, manager=manager).update(
            fit_rating=settings.LOW_FIT_RATING - 1, low_fit_justification=ending.low_fit
        )
    commitments = list(ClientCommitment.objects.filter(plan__assignment=a).order_by("pk"))
    kept = round(len(commitments) * ending.delivered)
    for i, c in enumerate(commitments):
        c.due_date = ended_on - timedelta(days=30 + 7 * i)
        c.delivered_on = c.due_date if i < kept else None
    ClientCommitment.objects.bulk_update(commitments, ["due_date", "delivered_on"])
    if ending.outcome:
        services.assignment_complete(assignment=a, user=world.director, outcome=ending.outcome)
    else:
        services.assignment_cancel(assignment=a, user=world.director, reason=ending.cancel_reason)
    a.ended_on = ended_on
    return a


def _last_confirmed_milestones(closeouts):
    """Each assignment's milestones of its last confirmed plan, read at once."""
    plans = {c.assignment_id: last_confirmed_plan(c.assignment) for c in closeouts}
    found = {pk: [] for pk in plans}
    by_plan = {p.pk: pk for pk, p in plans.items() if p is not None}
    for m in Milestone.objects.filter(plan__in=by_plan).order_by("due_date", "pk"):
        found[by_plan[m.plan_id]].append(m)
    return found


def _review(closeout, director, ending, milestones):
    good = ending.results.count(ACHIEVED) >= 4
    services.closeout_review_submit(
        closeout=closeout,
        user=director,
        data={
            "dimensions": {
                d: (result, ending.comments.get(d, ""))
                for d, result in zip(Dimension.values, ending.results, strict=True)
            },
            "milestones": {
                m.pk: (ACHIEVED if good or i % 2 else NOT, "") for i, m in enumerate(milestones)
            },
            "review": ending.review,
            "cause": ending.cause,
            "cause_detail": ending.cause_detail,
        },
    )


def _evaluations(closeout, client, ending):
    if ending.client:
        delivery, posture, again, comment = ending.client
        services.client_evaluation_submit(
            closeout=closeout,
            user=client,
            data={
                "delivery": delivery,
                "posture": posture,
                "would_engage_again": again,
                "comment": comment,
            },
        )
    if ending.manager_view:
        kept, support, comment = ending.manager_view
        services.manager_evaluation_submit(
            closeout=closeout,
            user=closeout.assignment.interim_manager,
            data={"commitments_kept": kept, "provider_support": support, "comment": comment},
        )


def _date_back(a, closeout, ended_on):
    """Move the end of `a` and its close-out back to `ended_on`, each part given within
    the window's first days."""
    ended = timezone.make_aware(datetime.combine(ended_on, time(17, 0)))
    Assignment.objects.filter(pk=a.pk).update(closed_at=ended)
    TransitionRecord.objects.filter(assignment=a, transition__in=("complete", "cancel")).update(
        at=ended
    )
    Closeout.objects.filter(pk=closeout.pk).update(
        opened_at=ended,
        closes_on=ended_on + timedelta(days=settings.CLOSEOUT_WINDOW_DAYS),
        reviewed_at=ended + timedelta(days=3),
    )
    ClientEvaluation.objects.filter(closeout=closeout).update(at=ended + timedelta(days=5))
    ManagerEvaluation.objects.filter(closeout=closeout).update(at=ended + timedelta(days=2))

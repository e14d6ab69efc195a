"""Many more assignments for measuring (`seed_demo --scale N`): bulk inserts, every state."""

import itertools
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assignments.drift import DIMENSIONS, gap_drift
from assignments.models import (
    RUNNING_STATES,
    ActionPlan,
    Assignment,
    AuditFinding,
    AuditReport,
    BriefItem,
    Candidacy,
    ClientCommitment,
    DriftReading,
    MeetingRating,
    Milestone,
    NegotiationRound,
    Party,
    PlanConfirmation,
    ProgressMeeting,
    State,
    TransitionRecord,
)
from partners.models import User

from .data import BRIEF, FINDING_TEXTS, SKILLS
from .world import BACKSTORY, working_day_before


def demo_world_scale(cast, n, *, seed=None):
    """Add n assignments to the demo cast's firms; the same seed lays out the same world."""
    ScaleBuilder(cast, random.Random(seed)).build(n)


class ScaleBuilder:
    """Adds many assignments quickly with bulk inserts, spread over every state."""

    STATES = [
        (State.BRIEF, 8),
        (State.SELECTION, 12),
        (State.AUDIT, 12),
        (State.ACTION_PLAN, 10),
        (State.IN_PROGRESS, 30),
        (State.REALIGNMENT, 6),
        (State.COMPLETED, 16),
        (State.CANCELLED, 6),
    ]
    SUMMARIES = [m.summary for m in BACKSTORY]
    PATH = [
        State.BRIEF,
        State.SELECTION,
        State.AUDIT,
        State.ACTION_PLAN,
        State.IN_PROGRESS,
    ]

    def __init__(self, cast, rng):
        self.rng = rng
        self.cast = cast
        self.today = timezone.localdate()
        self.firms = cast["firms"]
        self.clients = cast["clients"]
        self.directors = {
            f.pk: list(User.objects.filter(director_profile__firm=f)) for f in self.firms
        }
        self.contacts = {
            c.pk: list(User.objects.filter(client_profile__organisation=c)) for c in self.clients
        }
        self.pools = {
            f.pk: list(User.objects.filter(manager_profile__firms=f)) for f in self.firms
        }
        self.demo_director = User.objects.get(email="director@demo.test")

    def build(self, n, batch=500):
        for start in range(0, n, batch):
            with transaction.atomic():
                self._batch(min(batch, n - start))

    def _batch(self, n):
        rng = self.rng
        states, weights = zip(*self.STATES, strict=True)
        now = timezone.now()
        plans = []
        for i in range(n):
            firm = self.firms[0] if i % 2 == 0 else self.firms[1]
            client = self.clients[rng.randrange(2)]
            director = (
                self.demo_director
                if firm == self.firms[0]
                else rng.choice(self.directors[firm.pk])
            )
            state = rng.choices(states, weights)[0]
            plans.append((firm, client, director, state))
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    title=f"Interim {rng.choice(SKILLS)} lead #{rng.randrange(10_000, 99_999)}",
                    firm=firm,
                    client=client,
                    director=director,
                    client_contact=rng.choice(self.contacts[client.pk]),
                    state=state,
                    summary="Generated for measuring.",
                    review_cadence_days=settings.REVIEW_CADENCE_DAYS,
                    created_at=now - timedelta(days=rng.randrange(30, 400)),
                )
                for firm, client, director, state in plans
            ]
        )
        rows = {
            "brief": [],
            "cand": [],
            "rounds": [],
            "records": [],
            "reports": [],
            "plans": [],
            "meetings": [],
        }
        for a in assignments:
            self._lay_out(a, rows)
        self._insert(assignments, rows)

    def _reached(self, a):
        """The states an assignment went through, in order, ending with its own."""
        if a.state in self.PATH:
            return self.PATH[: self.PATH.index(a.state) + 1]
        if a.state == State.REALIGNMENT:
            return [*self.PATH, State.REALIGNMENT]
        if a.state == State.COMPLETED:
            return [*self.PATH, State.COMPLETED]
        stop = self.rng.choice(self.PATH)
        return [*self.PATH[: self.PATH.index(stop) + 1], State.CANCELLED]

    def _lay_out(self, a, rows):
        rng = self.rng
        reached = self._reached(a)
        day = a.created_at
        if a.state == State.REALIGNMENT:
            a.realignment_reason = "Resources promised by the client did not arrive."
            a.realignment_plan_version = 1
        if a.state == State.COMPLETED:
            a.outcome = "Objectives met; handover done."
        if a.state == State.CANCELLED:
            a.cancel_reason = "The client changed its plans."
        rows["brief"].extend(
            BriefItem(assignment=a, dimension=d, statement=BRIEF[d])
            for d in DIMENSIONS
            if State.SELECTION in reached or rng.random() < 0.5
        )
        names = {
            State.SELECTION: "open_selection",
            State.AUDIT: "select_manager",
            State.ACTION_PLAN: "accept_audit",
            State.IN_PROGRESS: "start_progress",
            State.REALIGNMENT: "start_realignment",
            State.COMPLETED: "complete",
            State.CANCELLED: "cancel",
        }
        for before, after in itertools.pairwise(reached):
            day += timedelta(days=rng.randrange(3, 20))
            rows["records"].append(
                TransitionRecord(
                    assignment=a,
                    transition=names[after],
                    from_state=before,
                    to_state=after,
                    by=a.director,
                    at=day,
                )
            )
        if State.SELECTION not in reached:
            return
        pool = self.pools[a.firm_id]
        candidates = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
        selected = candidates[0] if State.AUDIT in reached else None
        for m in candidates:
            c = Candidacy(
                assignment=a,
                manager=m,
                status=Candidacy.Status.SELECTED if m == selected else Candidacy.Status.PRESENTED,
                **dict.fromkeys(Candidacy.VETTING_FIELDS, True),
                fit_rating=rng.randint(3, 5),
                fit_rationale="Comparable assignments in the sector.",
                proposed_day_rate=Decimal(rng.randrange(900, 1800)),
                agreed_day_rate=Decimal(rng.randrange(900, 1800)),
                presented_at=a.created_at,
            )
            rows["cand"].append(c)
            rows["rounds"].append(
                NegotiationRound(
                    candidacy=c, number=1, offered_by="firm", day_rate=c.proposed_day_rate
                )
            )
        if selected is None:
            return
        a.interim_manager = selected
        a.audit_due_date = self.today + timedelta(days=rng.randrange(-10, 25))
        if State.ACTION_PLAN not in reached:
            return
        levels = {d: rng.randint(0, 3) for d in DIMENSIONS}
        a.gap_drift = gap_drift(levels)
        report = AuditReport(
            assignment=a,
            version=1,
            status=AuditReport.Status.ACCEPTED,
            author=selected,
            summary="Generated audit.",
            drift_score=a.gap_drift,
            submitted_at=a.created_at,
        )
        rows["reports"].append((report, levels))
        if State.IN_PROGRESS not in reached:
            rows["plans"].append(
                (ActionPlan(assignment=a, version=1, created_by=a.director), False)
            )
            return
        rows["plans"].append(
            (
                ActionPlan(
                    assignment=a,
                    version=1,
                    status=ActionPlan.Status.CONFIRMED,
                    created_by=a.director,
                    confirmed_at=a.created_at,
                ),
                True,
            )
        )
        a.started_on = self.today - timedelta(days=rng.randrange(10, 200))
        running = a.state in RUNNING_STATES
        # Held meetings a cadence apart on working days, all in the past; the next one
        # after the last held.
        last = a.started_on
        for _ in range(rng.randint(0, 4)):
            day = working_day_before(last + timedelta(days=28))
            if day >= self.today:
                break
            last = day
            ratings = {d: max(0, min(3, lvl + rng.randint(-1, 1))) for d, lvl in levels.items()}
            rows["meetings"].append(
                (
                    ProgressMeeting(
                        assignment=a,
                        scheduled_for=day,
                        status=ProgressMeeting.Status.HELD,
                        held_on=day,
                        summary=rng.choice(self.SUMMARIES),
                        manager_workload=rng.randint(1, 5),
                        manager_strain=rng.randint(1, 5),
                        drift_score=gap_drift(ratings),
                        opportunities="A follow-on need in finance." if rng.random() < 0.1 else "",
                    ),
                    ratings,
                )
            )
        if running:
            rows["meetings"].append(
                (
                    ProgressMeeting(
                        assignment=a,
                        scheduled_for=working_day_before(
                            max(
                                last + timedelta(days=3),
                                self.today + timedelta(days=rng.randrange(-10, 28)),
                            )
                        ),
                    ),
                    None,
                )
            )

    def _insert(self, assignments, rows):
        # The history written here is history: its flags were raised (or not) at the time,
        # so the drift catch-up has nothing to look at.
        now = timezone.now()
        BriefItem.objects.bulk_create(rows["brief"])
        TransitionRecord.objects.bulk_create(rows["records"])
        Candidacy.objects.bulk_create(rows["cand"])
        NegotiationRound.objects.bulk_create(rows["rounds"])
        # Fields derived while laying out go in one bulk update per batch.
        Assignment.objects.bulk_update(
            assignments,
            [
                "interim_manager",
                "audit_due_date",
                "gap_drift",
                "started_on",
                "realignment_reason",
                "realignment_plan_version",
                "outcome",
                "cancel_reason",
            ],
        )
        reports = AuditReport.objects.bulk_create([r for r, _ in rows["reports"]])
        AuditFinding.objects.bulk_create(
            AuditFinding(report=r, dimension=d, finding=FINDING_TEXTS[d][lvl], gap_level=lvl)
            for r, (_, levels) in zip(reports, rows["reports"], strict=True)
            for d, lvl in levels.items()
        )
        DriftReading.objects.bulk_create(
            DriftReading(
                assignment=r.assignment,
                audit_report=r,
                score=r.drift_score,
                recorded_at=r.submitted_at,
                checked_at=now,
            )
            for r in reports
        )
        plans = ActionPlan.objects.bulk_create([p for p, _ in rows["plans"]])
        milestones, commitments, confirmations = [], [], []
        for plan, (_, confirmed) in zip(plans, rows["plans"], strict=True):
            a = plan.assignment
            milestones.append(
                Milestone(
                    plan=plan,
                    title="Diagnostic shared",
                    owner="Interim manager",
                    due_date=self.today + timedelta(days=self.rng.randrange(-30, 60)),
                )
            )
            due = self.today + timedelta(days=self.rng.randrange(-30, 60))
            commitments.append(
                ClientCommitment(
                    plan=plan,
                    description="Two analysts assigned to the project team",
                    due_date=due,
                    delivered_on=due if self.rng.random() < 0.7 else None,
                )
            )
            parties = {
                Party.CLIENT: a.client_contact,
                Party.MANAGER: a.interim_manager,
                Party.DIRECTOR: a.director,
            }
            for party, user in parties.items():
                if confirmed or self.rng.random() < 0.4:
                    confirmations.append(PlanConfirmation(plan=plan, party=party, user=user))
        Milestone.objects.bulk_create(milestones)
        ClientCommitment.objects.bulk_create(commitments)
        PlanConfirmation.objects.bulk_create(confirmations)
        meetings = ProgressMeeting.objects.bulk_create([m for m, _ in rows["meetings"]])
        MeetingRating.objects.bulk_create(
            MeetingRating(meeting=m, dimension=d, level=lvl)
            for m, (_, ratings) in zip(meetings, rows["meetings"], strict=True)
            if ratings
            for d, lvl in ratings.items()
        )
        DriftReading.objects.bulk_create(
            DriftReading(
                assignment=m.assignment,
                meeting=m,
                score=m.drift_score,
                recorded_at=timezone.make_aware(
                    timezone.datetime.combine(m.held_on, timezone.datetime.min.time())
                ),
                checked_at=now,
            )
            for m in meetings
            if m.status == ProgressMeeting.Status.HELD
        )

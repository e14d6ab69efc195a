"""Build the demo world (idempotent) and, with --scale N, add N more assignments."""

import itertools
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assignments import services
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
from partners.models import (
    ClientContact,
    ClientOrganisation,
    DirectorProfile,
    ManagerProfile,
    ProviderFirm,
    Skill,
    User,
)

PASSWORD = "demo"  # noqa: S105 - documented demo sign-ins

FIRMS = [("Meridian Interim", "FR"), ("Northbridge Executive", "GB")]
CLIENTS = [
    ("Aurelia Foods", "Food manufacturing", "FR"),
    ("Castellan Logistics", "Logistics", "DE"),
]
SKILLS = [
    "Finance",
    "Turnaround",
    "Supply chain",
    "Operations",
    "Human resources",
    "IT & ERP",
    "Sales",
    "M&A",
    "Procurement",
    "Lean manufacturing",
]
# (email, name, firm index or None, role, extra)
PEOPLE = [
    ("admin@demo.test", "Alex Admin", None, "admin", {}),
    ("director@demo.test", "Claire Dubois", 0, "director", {}),
    ("marc.lefevre@demo.test", "Marc Lefèvre", 0, "director", {}),
    ("james.whitaker@demo.test", "James Whitaker", 1, "director", {}),
    (
        "manager@demo.test",
        "Thomas Berger",
        [0, 1],
        "manager",
        {"rate": "1450", "skills": ["Operations", "Turnaround", "Lean manufacturing"]},
    ),
    (
        "sofia.marin@demo.test",
        "Sofia Marín",
        [0],
        "manager",
        {"rate": "1200", "skills": ["Supply chain", "Procurement"]},
    ),
    (
        "elena.rossi@demo.test",
        "Elena Rossi",
        [0],
        "manager",
        {"rate": "1600", "skills": ["Finance", "M&A"]},
    ),
    (
        "ravi.menon@demo.test",
        "Ravi Menon",
        [0, 1],
        "manager",
        {"rate": "1350", "skills": ["IT & ERP", "Operations"]},
    ),
    (
        "hannah.kowalski@demo.test",
        "Hannah Kowalski",
        [1],
        "manager",
        {"rate": "1100", "skills": ["Human resources", "Sales"]},
    ),
    ("client@demo.test", "Isabelle Moreau", 0, "client", {"title": "Chief Executive"}),
    ("paul.girard@demo.test", "Paul Girard", 0, "client", {"title": "HR Director"}),
    ("katrin.vogel@demo.test", "Katrin Vogel", 1, "client", {"title": "Managing Director"}),
    ("jonas.weber@demo.test", "Jonas Weber", 1, "client", {"title": "CFO"}),
]

BRIEF = {
    "objectives": "Restore on-time delivery above 95% within six months.",
    "context": "Two plants, a recent merger, a works council that supports the plan.",
    "skills": "An operations leader with turnaround and lean experience.",
    "resources": "A dedicated project team of four and a consulting budget.",
    "expectations": "Monthly reporting to the board; a successor identified by month five.",
    "timeline": "Six months, starting within three weeks.",
}
FINDINGS = {
    "objectives": ("Delivery is at 78%; 95% in six months is ambitious but possible.", 1),
    "context": ("The merger is not digested: two cultures, two ERPs, a tense works council.", 2),
    "skills": ("Turnaround and lean are the right skills; change management matters more.", 0),
    "resources": ("The project team has one person, not four; no budget is released yet.", 3),
    "expectations": ("The board expects cost cuts the brief did not mention.", 2),
    "timeline": ("Six months holds if resources arrive by month one.", 1),
}
MEETING_SUMMARIES = [
    "Diagnostic shared; the committee backs the plan. One analyst still missing.",
    "Milestones on track; the consulting budget is not released yet.",
]
OPPORTUNITIES = [
    "The CFO mentioned a need for an interim treasurer.",
    "The group plans a second plant: a project director may be needed in spring.",
    "The HR director is leaving in June; an interim could bridge the search.",
    "A subsidiary in Spain needs a turnaround manager.",
]


class Command(BaseCommand):
    help = "Build the demo world (idempotent); --scale N adds N assignments for measuring."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="add N more assignments")
        parser.add_argument("--seed", type=int, default=None, help="random seed for --scale")

    def handle(self, *args, scale, seed, **options):
        if scale < 0:
            raise CommandError("--scale must be zero or more.")
        started = time.monotonic()
        with transaction.atomic():
            cast = self.people()
            if not Assignment.objects.filter(firm=cast["firms"][0]).exists():
                self.demo_assignments(cast)
                self.stdout.write("Demo world built.")
            else:
                self.stdout.write("Demo world already present.")
        if scale:
            ScaleBuilder(cast, random.Random(seed)).build(scale)
            self.stdout.write(f"Added {scale} assignments in {time.monotonic() - started:.1f} s.")
        self.stdout.write(
            "Sign in as director@demo.test, manager@demo.test, client@demo.test or "
            f"admin@demo.test with password “{PASSWORD}”."
        )

    # --- people and organisations (get_or_create: idempotent) ----------------------

    def people(self):
        firms = [
            ProviderFirm.objects.get_or_create(name=n, defaults={"country": c})[0]
            for n, c in FIRMS
        ]
        clients = [
            ClientOrganisation.objects.get_or_create(name=n, defaults={"sector": s, "country": c})[
                0
            ]
            for n, s, c in CLIENTS
        ]
        skills = {n: Skill.objects.get_or_create(name=n)[0] for n in SKILLS}
        cast = {"firms": firms, "clients": clients, "by_email": {}}
        # One slow hash for every demo account (they share the documented password).
        hashed = make_password(PASSWORD)
        for email, name, org, role, extra in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create(
                    email=email,
                    password=hashed,
                    full_name=name,
                    is_staff=role == "admin",
                    is_superuser=role == "admin",
                )
            if role == "director":
                DirectorProfile.objects.get_or_create(user=user, defaults={"firm": firms[org]})
            elif role == "manager":
                profile, created = ManagerProfile.objects.get_or_create(
                    user=user,
                    defaults={
                        "day_rate": Decimal(extra["rate"]),
                        "currency": "EUR",
                        "languages": "en, fr",
                        "headline": f"Interim executive – {', '.join(extra['skills'])}",
                        "available_from": timezone.localdate(),
                    },
                )
                if created:
                    profile.firms.set([firms[i] for i in org])
                    profile.skills.set([skills[s] for s in extra["skills"]])
            elif role == "client":
                ClientContact.objects.get_or_create(
                    user=user, defaults={"organisation": clients[org], "job_title": extra["title"]}
                )
            cast["by_email"][email] = user
        return cast

    # --- the hand-made world: every state for the demo director and the demo client ---

    def demo_assignments(self, cast):
        u = cast["by_email"]
        meridian, northbridge = cast["firms"]
        aurelia, castellan = cast["clients"]
        director, manager, client = (
            u["director@demo.test"],
            u["manager@demo.test"],
            u["client@demo.test"],
        )
        today = timezone.localdate()
        world = World(director=director, client=client)

        brief = world.new(meridian, aurelia, "Interim CFO – carve-out preparation")
        services.brief_update(
            assignment=brief,
            user=director,
            statements={"objectives": BRIEF["objectives"], "context": BRIEF["context"]},
        )

        selection = world.new(meridian, aurelia, "Interim Supply Chain Director")
        world.to_selection(selection)
        world.candidate(selection, u["sofia.marin@demo.test"], present=True, agree="1180")
        world.candidate(selection, manager, present=True)
        world.candidate(selection, u["ravi.menon@demo.test"], vet=False)

        audit = world.new(meridian, aurelia, "Interim COO – plant turnaround")
        world.to_audit(audit, manager, others=[u["elena.rossi@demo.test"]])
        # The audit report is due within its reminder window.
        Assignment.objects.filter(pk=audit.pk).update(
            audit_due_date=today + timedelta(days=max(settings.AUDIT_REMINDER_DAYS - 1, 0))
        )
        draft = services.audit_report_start(assignment=audit, user=manager)
        services.audit_report_update(
            report=draft,
            user=manager,
            summary="First weeks on site: interviews with the executive committee done.",
            findings={d: FINDINGS[d] for d in ("objectives", "context", "skills")},
        )

        plan = world.new(meridian, aurelia, "Interim HR Director – reorganisation")
        world.to_action_plan(plan, manager)
        draft_plan = world.plan(plan, manager)
        services.action_plan_confirm(plan=draft_plan, user=director)
        services.action_plan_confirm(plan=draft_plan, user=manager)

        running = world.new(meridian, aurelia, "Interim CIO – ERP roll-out")
        world.to_in_progress(running, manager, held_meetings=1)
        # The next review is due within the reminder window; a commitment is overdue.
        running.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).update(
            scheduled_for=today + timedelta(days=max(settings.REVIEW_REMINDER_DAYS - 1, 0))
        )
        ClientCommitment.objects.filter(plan__assignment=running).update(
            due_date=today - timedelta(days=5), delivered_on=None
        )

        late = world.new(meridian, aurelia, "Interim Plant Manager – Lyon site")
        world.to_in_progress(late, u["sofia.marin@demo.test"], held_meetings=2)
        # This review should have happened four days ago.
        late.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).update(
            scheduled_for=today - timedelta(days=4)
        )

        realign = world.new(meridian, aurelia, "Interim Sales Director – export relaunch")
        world.to_in_progress(realign, manager, held_meetings=1)
        services.assignment_start_realignment(
            assignment=realign,
            user=director,
            reason="The export budget promised in the plan was frozen by the board.",
        )

        done = world.new(meridian, aurelia, "Interim CEO – family succession")
        world.to_in_progress(done, manager, held_meetings=2)
        services.assignment_complete(
            assignment=done,
            user=director,
            outcome="Successor appointed and onboarded; the family council is in place.",
        )

        cancelled = world.new(meridian, aurelia, "Interim Procurement Director")
        world.to_selection(cancelled)
        services.assignment_cancel(
            assignment=cancelled,
            user=director,
            reason="The client filled the position internally.",
        )

        # The other firm and the other client, so that the walls can be seen.
        other = World(director=u["james.whitaker@demo.test"], client=u["katrin.vogel@demo.test"])
        nb = other.new(northbridge, castellan, "Interim Finance Director – refinancing")
        other.to_in_progress(nb, u["hannah.kowalski@demo.test"], held_meetings=1)
        nb2 = other.new(northbridge, castellan, "Interim Transformation Lead")
        other.to_selection(nb2)
        other.candidate(nb2, manager, present=False)
        nb3 = World(director=u["james.whitaker@demo.test"], client=u["paul.girard@demo.test"])
        aurelia_at_nb = nb3.new(northbridge, aurelia, "Interim Quality Director")
        nb3.to_selection(aurelia_at_nb)
        mc = World(director=u["marc.lefevre@demo.test"], client=u["jonas.weber@demo.test"])
        castellan_at_meridian = mc.new(meridian, castellan, "Interim Warehouse Operations Lead")
        mc.to_audit(castellan_at_meridian, u["ravi.menon@demo.test"])


class World:
    """Carries demo assignments through their lifecycle with the real services."""

    def __init__(self, *, director, client):
        self.director = director
        self.client = client
        self.today = timezone.localdate()

    def new(self, firm, client_org, title):
        return services.assignment_create(
            user=self.director,
            firm=firm,
            client=client_org,
            client_contact=self.client,
            title=title,
            summary=f"{client_org} asks for an {title.lower()}.",
        )

    def to_selection(self, a):
        services.brief_update(assignment=a, user=self.director, statements=BRIEF)
        services.assignment_open_selection(assignment=a, user=self.director)

    def candidate(self, a, manager, *, present=False, agree=None, vet=True):
        c = services.candidacy_add(assignment=a, user=self.director, manager=manager)
        if vet:
            services.candidacy_vet(
                candidacy=c,
                user=self.director,
                **dict.fromkeys(Candidacy.VETTING_FIELDS, True),
                fit_rating=4,
                fit_rationale="Has led two comparable turnarounds in the sector.",
                oversell_note="Keen to start; checked that the scope is well understood.",
                internal_notes="Margin discussed internally; keep the firm's fee at 25%.",
            )
        if present:
            services.candidacy_present(candidacy=c, user=self.director)
        if agree:
            services.negotiation_round_record(
                candidacy=c, user=self.director, offered_by="firm", day_rate=c.proposed_day_rate
            )
            services.negotiation_round_record(
                candidacy=c, user=self.director, offered_by="client", day_rate=agree, agreed=True
            )
        c.refresh_from_db()
        return c

    def to_audit(self, a, manager, others=()):
        self.to_selection(a)
        for other in others:
            self.candidate(a, other, present=True)
        chosen = self.candidate(a, manager, present=True, agree="1400")
        services.assignment_select_manager(
            assignment=a, user=self.client, candidacy=chosen, comment="Strong fit on site."
        )

    def to_action_plan(self, a, manager):
        self.to_audit(a, manager)
        report = services.audit_report_start(assignment=a, user=manager)
        services.audit_report_update(
            report=report,
            user=manager,
            summary="The real situation differs from the brief on resources and expectations.",
            findings=FINDINGS,
        )
        # Data only: mark it submitted without enqueuing background work.
        AuditReport.objects.filter(pk=report.pk).update(
            status=AuditReport.Status.SUBMITTED, submitted_at=timezone.now()
        )
        report.refresh_from_db()
        services.assignment_accept_audit(assignment=a, user=self.director, report=report)

    def plan(self, a, manager):
        plan = services.action_plan_draft(
            assignment=a, user=self.director, summary="Stabilise, then transform."
        )
        services.action_plan_update(
            plan=plan,
            user=manager,
            summary="Stabilise delivery in three months, then transform the organisation.",
            milestones=[
                {
                    "title": "Diagnostic shared with the executive committee",
                    "owner": "Interim manager",
                    "due_date": self.today + timedelta(days=14),
                },
                {
                    "title": "New organisation announced",
                    "owner": "Client",
                    "due_date": self.today + timedelta(days=60),
                },
            ],
            commitments=[
                {
                    "kind": "resources",
                    "description": "Assign two full-time analysts to the project team",
                    "due_date": self.today + timedelta(days=10),
                },
                {
                    "kind": "means",
                    "description": "Release the consulting budget",
                    "due_date": self.today + timedelta(days=30),
                },
            ],
        )
        return plan

    def to_in_progress(self, a, manager, held_meetings=0):
        self.to_action_plan(a, manager)
        plan = self.plan(a, manager)
        for user in (self.director, manager, self.client):
            services.action_plan_confirm(plan=plan, user=user)
        services.assignment_start_progress(assignment=a, user=self.director)
        levels = [1, 1, 0, 2, 1, 0]
        for n in range(held_meetings):
            meeting = a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
            services.meeting_record(
                meeting=meeting,
                user=self.director,
                # Past meetings a cadence apart, the last one today.
                held_on=self.today - timedelta(days=28 * (held_meetings - 1 - n)),
                ratings={d: min(3, lvl + n) for d, lvl in zip(DIMENSIONS, levels, strict=True)},
                summary=MEETING_SUMMARIES[n % len(MEETING_SUMMARIES)],
                manager_workload=3,
                manager_strain=2 + n,
                opportunities=OPPORTUNITIES[a.pk % len(OPPORTUNITIES)] if n == 0 else "",
            )


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
        held = rng.randint(0, 4)
        for k in range(held):
            ratings = {d: max(0, min(3, lvl + rng.randint(-1, 1))) for d, lvl in levels.items()}
            rows["meetings"].append(
                (
                    ProgressMeeting(
                        assignment=a,
                        scheduled_for=a.started_on + timedelta(days=28 * (k + 1)),
                        status=ProgressMeeting.Status.HELD,
                        held_on=a.started_on + timedelta(days=28 * (k + 1)),
                        summary="Generated meeting.",
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
                        scheduled_for=self.today + timedelta(days=rng.randrange(-10, 28)),
                    ),
                    None,
                )
            )

    def _insert(self, assignments, rows):
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
            AuditFinding(report=r, dimension=d, finding=FINDINGS[d][0], gap_level=lvl)
            for r, (_, levels) in zip(reports, rows["reports"], strict=True)
            for d, lvl in levels.items()
        )
        DriftReading.objects.bulk_create(
            DriftReading(
                assignment=r.assignment,
                audit_report=r,
                score=r.drift_score,
                recorded_at=r.submitted_at,
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
            )
            for m in meetings
            if m.status == ProgressMeeting.Status.HELD
        )

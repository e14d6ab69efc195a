"""The World builder, and the hand-made demo world it builds: every state, every wall."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import (
    Assignment,
    AuditReport,
    Candidacy,
    ClientCommitment,
    ProgressMeeting,
)

from .data import (
    AGREED_DAY_RATE,
    BRIEF,
    DEMO_SCRIPT,
    FINDINGS,
    MEETING_LEVELS,
    MEETING_SUMMARIES,
    OPPORTUNITIES,
    VETTING,
)
from .people import demo_people


class World:
    """Carries assignments through their lifecycle with the real services.

    It writes what its script says (the demo's unless told). Audit reports are marked
    submitted as data only, so that a world is built without background work and raises
    no flag; with background=True they go through audit_report_submit and its drift check.
    """

    def __init__(self, *, director, client, script=DEMO_SCRIPT, background=False):
        self.director = director
        self.client = client
        self.script = script
        self.background = background

    def new(self, firm, client_org, title):
        return services.assignment_create(
            user=self.director,
            firm=firm,
            client=client_org,
            client_contact=self.client,
            title=title,
            summary=f"{client_org} asks for an {title.lower()}.",
        )

    def fill_brief(self, a):
        services.brief_update(assignment=a, user=self.director, statements=self.script.brief)

    def to_selection(self, a):
        self.fill_brief(a)
        services.assignment_open_selection(assignment=a, user=self.director)

    def candidate(self, a, manager, *, present=False, agree=None, vet=True):
        """Shortlist, vet, present and agree a day rate (the client's answer to the firm)."""
        c = services.candidacy_add(assignment=a, user=self.director, manager=manager)
        if vet:
            services.candidacy_vet(
                candidacy=c,
                user=self.director,
                **dict.fromkeys(Candidacy.VETTING_FIELDS, True),
                **VETTING,
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
        chosen = self.candidate(a, manager, present=True, agree=AGREED_DAY_RATE)
        services.assignment_select_manager(
            assignment=a, user=self.client, candidacy=chosen, comment="Strong fit on site."
        )
        return chosen

    def audit_report(self, a, manager, *, summary=None, findings=None):
        """A draft audit report, written by the manager."""
        report = services.audit_report_start(assignment=a, user=manager)
        return services.audit_report_update(
            report=report,
            user=manager,
            summary=self.script.audit_summary if summary is None else summary,
            findings=self.script.findings if findings is None else findings,
        )

    def submit(self, report, manager):
        if self.background:
            return services.audit_report_submit(report=report, user=manager)
        AuditReport.objects.filter(pk=report.pk).update(
            status=AuditReport.Status.SUBMITTED, submitted_at=timezone.now()
        )
        report.refresh_from_db()
        return report

    def to_action_plan(self, a, manager):
        self.to_audit(a, manager)
        report = self.submit(self.audit_report(a, manager), manager)
        services.assignment_accept_audit(assignment=a, user=self.director, report=report)
        return report

    def plan(self, a, manager):
        """A draft plan version: the director opens it, the manager writes it."""
        today = timezone.localdate()
        plan = services.action_plan_draft(assignment=a, user=self.director)
        return services.action_plan_update(
            plan=plan,
            user=manager,
            summary=self.script.plan_summary,
            milestones=[
                {"title": title, "owner": owner, "due_date": today + timedelta(days=days)}
                for title, owner, days in self.script.milestones
            ],
            commitments=[
                {"kind": kind, "description": text, "due_date": today + timedelta(days=days)}
                for kind, text, days in self.script.commitments
            ],
        )

    def confirm_all(self, plan, manager):
        for user in (self.director, manager, self.client):
            services.action_plan_confirm(plan=plan, user=user)
        return plan

    def to_in_progress(self, a, manager, held_meetings=0):
        self.to_action_plan(a, manager)
        self.confirm_all(self.plan(a, manager), manager)
        services.assignment_start_progress(assignment=a, user=self.director)
        today = timezone.localdate()
        for n in range(held_meetings):
            meeting = a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
            services.meeting_record(
                meeting=meeting,
                user=self.director,
                # Past meetings a cadence apart, the last one today.
                held_on=today - timedelta(days=28 * (held_meetings - 1 - n)),
                ratings={
                    d: min(3, lvl + n) for d, lvl in zip(DIMENSIONS, MEETING_LEVELS, strict=True)
                },
                summary=MEETING_SUMMARIES[n % len(MEETING_SUMMARIES)],
                manager_workload=3,
                manager_strain=2 + n,
                opportunities=OPPORTUNITIES[a.pk % len(OPPORTUNITIES)] if n == 0 else "",
            )

    def to_realignment(self, a, manager, *, reason, held_meetings=0):
        self.to_in_progress(a, manager, held_meetings=held_meetings)
        services.assignment_start_realignment(assignment=a, user=self.director, reason=reason)


def demo_world_build():
    """Get or create the demo cast and, unless present, its hand-made assignments.

    Returns the cast and whether the assignments were built now.
    """
    with transaction.atomic():
        cast = demo_people()
        if Assignment.objects.filter(firm=cast["firms"][0]).exists():
            return cast, False
        _demo_assignments(cast)
    return cast, True


def _demo_assignments(cast):
    """Every state for the demo director and the demo client, and the other side's walls."""
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
    world.audit_report(
        audit,
        manager,
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
    world.to_realignment(
        realign,
        manager,
        reason="The export budget promised in the plan was frozen by the board.",
        held_meetings=1,
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

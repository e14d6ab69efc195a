"""The World builder, and the hand-made demo world it builds: every state, every wall."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import (
    Assignment,
    AuditReport,
    Candidacy,
    ClientCommitment,
    Opportunity,
    ProgressMeeting,
)

from .data import (
    AGREED_DAY_RATE,
    BRIEF,
    DEMO_SCRIPT,
    FINDINGS,
    STORIES,
    VETTING,
    findings_at,
)

SATURDAY = 5


def working_day_before(day):
    """`day`, or the Friday before it when it falls on a weekend."""
    while day.weekday() >= SATURDAY:
        day -= timedelta(days=1)
    return day


def working_day_after(day):
    """The first working day after `day`."""
    day += timedelta(days=1)
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return day


# Meetings for a world that asks only for so many held ones.
BACKSTORY = tuple(m for story in STORIES.values() for m in story.get("meetings", ()))


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

    def to_action_plan(self, a, manager, *, findings=None):
        self.to_audit(a, manager)
        report = self.submit(self.audit_report(a, manager, findings=findings), manager)
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

    def to_in_progress(
        self, a, manager, meetings=(), *, held_meetings=0, findings=None, next_due=None
    ):
        """Run the assignment; `meetings` are the held meetings of its back-story
        (or the first `held_meetings` of the demo's).

        They are laid out backwards from `next_due` (the meeting scheduled after them, a
        working day; the next working day unless given), a cadence apart and each held
        `days_late` after its scheduled day, so that the services schedule every meeting
        on the day the story says and the next one after the last held. Without meetings
        the assignment starts today.
        """
        meetings = meetings or BACKSTORY[:held_meetings]
        self.to_action_plan(a, manager, findings=findings)
        self.confirm_all(self.plan(a, manager), manager)
        today = timezone.localdate()
        cadence = timedelta(days=a.review_cadence_days)
        due = next_due or working_day_after(today)
        held_days = []
        for meeting in reversed(meetings):
            held_on = due - cadence
            due = working_day_before(held_on - timedelta(days=meeting.days_late))
            held_days.insert(0, held_on)
        if held_days and held_days[-1] > today:
            raise ValueError("The next meeting is too far ahead for the meetings held before.")
        started = due - cadence if meetings else today
        services.assignment_start_progress(assignment=a, user=self.director, today=started)
        for meeting, held_on in zip(meetings, held_days, strict=True):
            services.meeting_record(
                meeting=a.meetings.get(status=ProgressMeeting.Status.SCHEDULED),
                user=self.director,
                held_on=held_on,
                ratings=dict(zip(DIMENSIONS, meeting.levels, strict=True)),
                summary=meeting.summary,
                manager_workload=meeting.workload,
                manager_strain=meeting.strain,
                opportunities=meeting.opportunities,
            )

    def to_realignment(
        self, a, manager, *, reason, meetings=(), held_meetings=0, findings=None, next_due=None
    ):
        self.to_in_progress(
            a,
            manager,
            meetings,
            held_meetings=held_meetings,
            findings=findings,
            next_due=next_due,
        )
        services.assignment_start_realignment(assignment=a, user=self.director, reason=reason)


def _story(name):
    """The audit findings and held meetings of one hand-made assignment."""
    story = STORIES[name]
    return {"findings": findings_at(story["audit"]), "meetings": story.get("meetings", ())}


def demo_assignments(cast):
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
    world.to_action_plan(plan, manager, findings=_story("plan")["findings"])
    draft_plan = world.plan(plan, manager)
    services.action_plan_confirm(plan=draft_plan, user=director)
    services.action_plan_confirm(plan=draft_plan, user=manager)

    running = world.new(meridian, aurelia, "Interim CIO – ERP roll-out")
    # The next review is due within the reminder window; a commitment is overdue.
    soon = today + timedelta(days=max(settings.REVIEW_REMINDER_DAYS - 1, 0))
    while soon.weekday() >= SATURDAY and soon > today:
        soon -= timedelta(days=1)
    world.to_in_progress(running, manager, **_story("running"), next_due=soon)
    ClientCommitment.objects.filter(
        plan__assignment=running, description=DEMO_SCRIPT.commitments[0][1]
    ).update(due_date=today - timedelta(days=5), delivered_on=None)

    late = world.new(meridian, aurelia, "Interim Plant Manager – Lyon site")
    # This review should have happened four days ago (or on the working day before).
    world.to_in_progress(
        late,
        u["sofia.marin@demo.test"],
        **_story("late"),
        next_due=working_day_before(today - timedelta(days=4)),
    )

    realign = world.new(meridian, aurelia, "Interim Sales Director – export relaunch")
    world.to_realignment(
        realign,
        manager,
        reason="The export budget promised in the plan was frozen by the board.",
        **_story("realign"),
        next_due=working_day_before(today + timedelta(days=12)),
    )

    done = world.new(meridian, aurelia, "Interim CEO – family succession")
    world.to_in_progress(
        done, manager, **_story("done"), next_due=working_day_before(today - timedelta(days=9))
    )
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
    other.to_in_progress(
        nb,
        u["hannah.kowalski@demo.test"],
        **_story("other"),
        next_due=working_day_before(today + timedelta(days=9)),
    )
    nb2 = other.new(northbridge, castellan, "Interim Transformation Lead")
    other.to_selection(nb2)
    other.candidate(nb2, manager, present=False)
    nb3 = World(director=u["james.whitaker@demo.test"], client=u["paul.girard@demo.test"])
    aurelia_at_nb = nb3.new(northbridge, aurelia, "Interim Quality Director")
    nb3.to_selection(aurelia_at_nb)
    mc = World(director=u["marc.lefevre@demo.test"], client=u["jonas.weber@demo.test"])
    castellan_at_meridian = mc.new(meridian, castellan, "Interim Warehouse Operations Lead")
    mc.to_audit(castellan_at_meridian, u["ravi.menon@demo.test"])
    _demo_pipeline(
        cast, director, {"running": running, "late": late, "realign": realign, "done": done}
    )


def _demo_pipeline(cast, director, sources):
    """The demo firm's pipeline in every status: the leads its meetings noted, moved on as
    a director would, and one noted directly; the won one is ready to start an assignment."""
    u = cast["by_email"]
    aurelia, castellan = cast["clients"]
    leads = {
        name: Opportunity.objects.get(source_meeting__assignment=a) for name, a in sources.items()
    }
    today = timezone.localdate()
    moves = {
        "running": {
            "status": Opportunity.Status.QUALIFIED,
            "estimated_value": Decimal("66000"),
            "currency": "EUR",
            "next_step": "Send the CFO two treasurer profiles.",
            "next_step_on": today + timedelta(days=7),
        },
        "late": {"next_step": "Ask the plant director when the project is decided."},
        "realign": {
            "status": Opportunity.Status.LOST,
            "estimated_value": Decimal("90000"),
            "currency": "EUR",
        },
        "done": {
            "status": Opportunity.Status.WON,
            "estimated_value": Decimal("48000"),
            "currency": "EUR",
            "next_step": "Record the assignment and write its brief.",
        },
    }
    for name, data in moves.items():
        services.opportunity_update(leads[name], director, data)
    services.opportunity_create(
        director,
        {
            "client": castellan,
            "description": "Castellan's new warehouse needs an interim logistics director.",
            "estimated_value": Decimal("54000"),
            "currency": "GBP",
            "owner": u["marc.lefevre@demo.test"],
            "next_step": "Meet the COO at the trade fair.",
            "next_step_on": today + timedelta(days=14),
        },
    )
    services.opportunity_create(
        director,
        {
            "client": aurelia,
            "description": "Aurelia's Swiss dairy needs an interim plant manager for a year.",
            "estimated_value": Decimal("72000"),
            "currency": "CHF",
            "owner": director,
            "next_step": "Call the Lausanne site's HR director.",
            "next_step_on": today + timedelta(days=10),
        },
    )

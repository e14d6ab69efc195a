"""The assignment lifecycle and everything recorded along it."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from partners.models import ClientOrganisation, ProviderFirm, currency_code

from . import access

# The vocabulary is named once in `constants`; many callers know it as `models.State`…
from .constants import ACTIVE_STATES as ACTIVE_STATES
from .constants import CRITICAL_LEVEL as CRITICAL_LEVEL
from .constants import FINAL_STATES as FINAL_STATES
from .constants import OPEN_STATES, RATING_MAX, RATING_MIN, FlagKind
from .constants import RUNNING_STATES as RUNNING_STATES
from .constants import Dimension as Dimension
from .constants import GapLevel as GapLevel
from .constants import Party as Party
from .constants import State as State

User = settings.AUTH_USER_MODEL


# --- Guards ---------------------------------------------------------------------------------
# Each returns a sentence naming what is missing, or "" when the guard is met. The model's
# fsm conditions are these guards; services read the sentences to refuse with a reason.


def missing_brief(assignment):
    announced = {
        item.dimension
        for item in assignment.brief_items.all()
        if item.statement and item.statement.strip()
    }
    absent = [label for value, label in Dimension.choices if value not in announced]
    if absent:
        return f"The brief has no announced statement for: {', '.join(absent).lower()}."
    return ""


def missing_selectable_candidacy(assignment):
    if not any(c.is_selectable for c in assignment.candidacies.all()):
        return (
            "No candidacy is ready to select: it must be presented to the client after a "
            "complete vetting, with an agreed day rate."
        )
    return ""


def missing_submitted_audit(assignment):
    # Iterates the related manager so that a prefetched page costs no query.
    if not any(r.status == AuditReport.Status.SUBMITTED for r in assignment.audit_reports.all()):
        return "No submitted audit report is waiting: the manager must submit one first."
    return ""


def missing_plan_confirmations(assignment):
    plan = assignment.current_plan
    if plan is None:
        return "There is no action plan yet."
    missing = plan.missing_parties
    if missing:
        labels = ", ".join(str(Party(p).label).lower() for p in missing)
        return f"Action plan v{plan.version} still needs the confirmation of: {labels}."
    return ""


def missing_revised_plan(assignment):
    plan = assignment.current_plan
    if plan is None or plan.version <= (assignment.realignment_plan_version or 0):
        return "Realignment needs a revised action plan (a new version) confirmed by all three."
    return missing_plan_confirmations(assignment)


def _met(guard):
    def condition(assignment):
        return not guard(assignment)

    condition.guard = guard
    condition.__name__ = guard.__name__.replace("missing_", "has_")
    return condition


class Assignment(ConcurrentTransitionMixin, models.Model):
    """One placement of an interim manager at a client, from brief to close."""

    title = models.CharField(max_length=200)
    firm = models.ForeignKey(ProviderFirm, on_delete=models.PROTECT, related_name="assignments")
    client = models.ForeignKey(
        ClientOrganisation, on_delete=models.PROTECT, related_name="assignments"
    )
    director = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="directed_assignments"
    )
    client_contact = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="client_assignments"
    )
    interim_manager = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_assignments",
        editable=False,
    )
    state = FSMField(default=State.BRIEF, choices=State.choices, protected=True, db_index=True)
    summary = models.TextField(blank=True, help_text="The client's request in a few lines.")
    review_cadence_days = models.PositiveSmallIntegerField(
        default=28, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    audit_due_date = models.DateField(null=True, blank=True, editable=False)
    gap_drift = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    gap_drift_at = models.DateTimeField(null=True, blank=True, editable=False)
    realignment_reason = models.TextField(blank=True, editable=False)
    realignment_plan_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    outcome = models.TextField(blank=True, editable=False)
    cancel_reason = models.TextField(blank=True, editable=False)
    started_on = models.DateField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["firm", "state"]),
            models.Index(fields=["client", "state"]),
        ]

    def __str__(self):
        return f"{self.title} ({self.client})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("assignments:detail", args=[self.pk])

    @property
    def is_final(self):
        return self.state in FINAL_STATES

    @property
    def current_plan(self):
        """The latest action plan version (prefetched lists are used when present)."""
        plans = list(self.action_plans.all())
        return max(plans, key=lambda p: p.version) if plans else None

    # --- Transitions: the graph and its guards. Services call these and nothing else does.

    @transition(
        field=state,
        source=State.BRIEF,
        target=State.SELECTION,
        conditions=[_met(missing_brief)],
        permission=access.may_direct,
        custom={
            "label": "Open selection",
            "who": "the director",
            "refused": "Only a director of the assignment's firm may open the selection.",
        },
    )
    def open_selection(self):
        """The brief is complete: start shortlisting and vetting managers."""

    @transition(
        field=state,
        source=State.SELECTION,
        target=State.AUDIT,
        conditions=[_met(missing_selectable_candidacy)],
        permission=access.may_choose_manager,
        custom={
            "label": "Select manager",
            "who": "the client contact or the director",
            "refused": "Only the client (or a director of the firm) may select the manager.",
        },
    )
    def select_manager(self, candidacy, today=None):
        """The client chose a presented candidate; the situational audit starts."""
        today = today or timezone.localdate()
        self.interim_manager_id = candidacy.manager_id
        self.audit_due_date = today + timedelta(days=settings.AUDIT_DURATION_DAYS)

    @transition(
        field=state,
        source=State.AUDIT,
        target=State.ACTION_PLAN,
        conditions=[_met(missing_submitted_audit)],
        permission=access.may_direct,
        custom={
            "label": "Accept audit",
            "who": "the director",
            "refused": "Only a director of the assignment's firm may accept the audit report.",
        },
    )
    def accept_audit(self, report):
        """The director accepts the audit report; its gap drift becomes the assignment's
        (written by the service, with the drift history)."""

    @transition(
        field=state,
        source=State.ACTION_PLAN,
        target=State.IN_PROGRESS,
        conditions=[_met(missing_plan_confirmations)],
        permission=access.may_direct,
        custom={
            "label": "Start progress",
            "who": "the director",
            "refused": "Only a director of the assignment's firm may start the assignment.",
        },
    )
    def start_progress(self, today=None):
        """The three parties confirmed the action plan: the assignment runs."""
        self.started_on = today or timezone.localdate()

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.REALIGNMENT,
        permission=access.may_direct,
        custom={
            "label": "Start realignment",
            "who": "the director",
            "refused": "Only a director of the assignment's firm may start a realignment.",
        },
    )
    def start_realignment(self, reason):
        """The partner steps in to re-establish roles and resources."""
        self.realignment_reason = reason
        plan = self.current_plan
        self.realignment_plan_version = plan.version if plan else 0

    @transition(
        field=state,
        source=State.REALIGNMENT,
        target=State.IN_PROGRESS,
        conditions=[_met(missing_revised_plan)],
        permission=access.may_direct,
        custom={
            "label": "Resume progress",
            "who": "the director",
            "refused": "Only a director of the assignment's firm may resume progress.",
        },
    )
    def resume_progress(self):
        """A revised plan is confirmed by all three: the assignment runs again."""

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.COMPLETED,
        permission=access.may_direct,
        custom={
            "label": "Complete",
            "who": "the director",
            "refused": "Only a director of the assignment's firm may complete an assignment.",
        },
    )
    def complete(self, outcome):
        """The assignment closes with an outcome and a final review."""
        self.outcome = outcome
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=State.CANCELLED,
        permission=access.may_direct,
        custom={
            "label": "Cancel assignment",
            "who": "the director",
            "refused": "Only a director of the assignment's firm may cancel an assignment.",
        },
    )
    def cancel(self, reason):
        """The assignment ends early, for a stated reason."""
        self.cancel_reason = reason
        self.closed_at = timezone.now()


class TransitionRecord(models.Model):
    """One change of state: who, when, from, to, which transition and why."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.transition}: {self.from_state} → {self.to_state}"


class BriefItem(models.Model):
    """What the client announced about one dimension."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="brief_items"
    )
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    statement = models.TextField(blank=True)

    class Meta:
        ordering = ["assignment", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "dimension"], name="one_brief_item_per_dimension"
            )
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.statement[:60]}"


class Candidacy(models.Model):
    """The director's vetting of one manager for one assignment."""

    class Status(models.TextChoices):
        SHORTLISTED = "shortlisted", "Shortlisted"
        PRESENTED = "presented", "Presented to the client"
        SELECTED = "selected", "Selected"
        DECLINED = "declined", "Not retained"
        WITHDRAWN = "withdrawn", "Withdrawn"

    VETTING_FIELDS = (
        "vetted_experience",
        "vetted_references",
        "vetted_availability",
        "vetted_motivation",
        "vetted_conflicts",
    )
    # What the director's vetting form may change.
    VETTING_EDITABLE = (
        *VETTING_FIELDS,
        "fit_rating",
        "fit_rationale",
        "oversell_note",
        "internal_notes",
        "proposed_day_rate",
        "currency",
    )

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="candidacies"
    )
    manager = models.ForeignKey(User, on_delete=models.PROTECT, related_name="candidacies")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SHORTLISTED)
    vetted_experience = models.BooleanField("experience questioned", default=False)
    vetted_references = models.BooleanField("references checked", default=False)
    vetted_availability = models.BooleanField("availability confirmed", default=False)
    vetted_motivation = models.BooleanField("motivation questioned (no oversell)", default=False)
    vetted_conflicts = models.BooleanField("conflicts of interest checked", default=False)
    fit_rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    fit_rationale = models.TextField(blank=True)
    oversell_note = models.TextField("oversell risk", blank=True)
    low_fit_justification = models.TextField(blank=True)
    internal_notes = models.TextField("internal vetting notes", blank=True)
    proposed_day_rate = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    agreed_day_rate = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_code])
    presented_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "candidacies"
        ordering = ["assignment", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "manager"], name="one_candidacy_per_manager"
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="selected"),
                name="one_selected_candidacy_per_assignment",
            ),
            models.CheckConstraint(
                condition=Q(fit_rating__isnull=True)
                | Q(fit_rating__gte=RATING_MIN, fit_rating__lte=RATING_MAX),
                name="fit_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.manager} for {self.assignment}"

    @property
    def vetting_complete(self):
        return all(getattr(self, name) for name in self.VETTING_FIELDS) and bool(
            self.fit_rating and self.fit_rationale.strip()
        )

    @property
    def missing_vetting(self):
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in self.VETTING_FIELDS
            if not getattr(self, name)
        ]
        if not self.fit_rating:
            missing.append("fit rating")
        if not self.fit_rationale.strip():
            missing.append("fit rationale")
        return missing

    @property
    def is_shortlisted(self):
        return self.status == self.Status.SHORTLISTED

    @property
    def is_presented(self):
        return self.status == self.Status.PRESENTED

    @property
    def is_open(self):
        """Still in play: shortlisted or presented, so it can be vetted and negotiated."""
        return self.status in (self.Status.SHORTLISTED, self.Status.PRESENTED)

    @property
    def is_selectable(self):
        return (
            self.status == self.Status.PRESENTED
            and self.vetting_complete
            and self.agreed_day_rate is not None
        )


class NegotiationRound(models.Model):
    """One offer in the day-rate negotiation of a candidacy."""

    class Side(models.TextChoices):
        FIRM = "firm", "Provider firm"
        CLIENT = "client", "Client"
        MANAGER = "manager", "Manager"

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    offered_by = models.CharField(max_length=10, choices=Side.choices)
    day_rate = models.DecimalField(max_digits=9, decimal_places=2)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["candidacy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "number"], name="unique_round_number")
        ]

    def __str__(self):
        return f"Round {self.number}: {self.day_rate} {self.candidacy.currency}"


class AuditReport(models.Model):
    """The manager's situational audit: what was really found, per dimension. Versioned."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for revision"

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="audit_reports"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="audit_reports")
    summary = models.TextField(blank=True)
    drift_score = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assignment", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "version"], name="unique_audit_report_version"
            )
        ]

    def __str__(self):
        return f"Audit report v{self.version} – {self.assignment}"

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    @property
    def is_returned(self):
        return self.status == self.Status.RETURNED

    @property
    def levels(self):
        return {f.dimension: f.gap_level for f in self.findings.all()}


class AuditFinding(models.Model):
    """What the audit found about one dimension, and how far it is from the brief."""

    report = models.ForeignKey(AuditReport, on_delete=models.CASCADE, related_name="findings")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    finding = models.TextField()
    gap_level = models.PositiveSmallIntegerField(choices=GapLevel.choices)

    class Meta:
        ordering = ["report", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "dimension"], name="one_finding_per_dimension"
            ),
            models.CheckConstraint(
                condition=Q(gap_level__lte=CRITICAL_LEVEL), name="finding_gap_level_0_3"
            ),
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: level {self.gap_level}"


class ActionPlan(models.Model):
    """The jointly confirmed plan. Versioned; a confirmed version is never edited."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONFIRMED = "confirmed", "Confirmed by all three"
        SUPERSEDED = "superseded", "Superseded"

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="action_plans"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assignment", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "version"], name="unique_action_plan_version"
            )
        ]

    def __str__(self):
        return f"Action plan v{self.version} – {self.assignment}"

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def missing_parties(self):
        confirmed = {c.party for c in self.confirmations.all()}
        return [p for p in Party.values if p not in confirmed]


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        AT_RISK = "at_risk", "At risk"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=100, help_text="Who delivers it.")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["plan", "due_date", "id"]

    def __str__(self):
        return self.title


class ClientCommitment(models.Model):
    """Resources, means or schedule the client promised, with a due date."""

    class Kind(models.TextChoices):
        RESOURCES = "resources", "Resources"
        MEANS = "means", "Means"
        SCHEDULE = "schedule", "Schedule"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RESOURCES)
    description = models.CharField(max_length=300)
    due_date = models.DateField()
    delivered_on = models.DateField(null=True, blank=True)
    delivered_marked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "due_date", "id"]
        indexes = [models.Index(fields=["due_date", "delivered_on"])]

    def __str__(self):
        return self.description

    @property
    def delivered(self):
        return self.delivered_on is not None


class PlanConfirmation(models.Model):
    """One party's confirmation of one plan version."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="confirmations")
    party = models.CharField(max_length=10, choices=Party.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "party"], name="one_confirmation_per_party")
        ]

    def __str__(self):
        return f"{self.get_party_display()} confirmed v{self.plan.version}"


class ProgressMeeting(models.Model):
    """A progress review of the assignment: the partnership's regular check."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        MISSED = "missed", "Missed"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="meetings")
    scheduled_for = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    held_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    milestone_progress = models.TextField(blank=True)
    commitments_review = models.TextField(blank=True)
    manager_workload = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text="1 light – 5 overloaded",
    )
    manager_strain = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text="1 serene – 5 worn out",
    )
    direction_changes = models.TextField(
        blank=True, help_text="Changes of direction by the principal, and under what pressure."
    )
    realignment_actions = models.TextField(blank=True)
    opportunities = models.TextField("new business opportunities", blank=True)
    drift_score = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assignment", "scheduled_for", "id"]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self):
        return f"Progress meeting {self.scheduled_for} – {self.assignment}"

    @property
    def is_scheduled(self):
        return self.status == self.Status.SCHEDULED

    @property
    def is_held(self):
        return self.status == self.Status.HELD

    @property
    def is_missed(self):
        return self.status == self.Status.MISSED

    @property
    def levels(self):
        return {r.dimension: r.level for r in self.ratings.all()}


class MeetingRating(models.Model):
    """Plan versus reality for one dimension, as rated at a progress meeting."""

    meeting = models.ForeignKey(ProgressMeeting, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    level = models.PositiveSmallIntegerField(choices=GapLevel.choices)

    class Meta:
        ordering = ["meeting", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "dimension"], name="one_rating_per_dimension"
            ),
            models.CheckConstraint(
                condition=Q(level__lte=CRITICAL_LEVEL), name="rating_level_0_3"
            ),
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: level {self.level}"


class DriftReading(models.Model):
    """One point of the assignment's gap-drift history (an audit or a meeting)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="drift_readings"
    )
    score = models.PositiveSmallIntegerField()
    audit_report = models.OneToOneField(
        AuditReport, on_delete=models.CASCADE, null=True, blank=True, related_name="reading"
    )
    meeting = models.OneToOneField(
        ProgressMeeting, on_delete=models.CASCADE, null=True, blank=True, related_name="reading"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Set by the engine once it has looked at this reading for flags; a reading left
    # unchecked (the broker was down) is caught up by a periodic sweep.
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["assignment", "recorded_at", "id"]
        indexes = [
            models.Index(
                fields=["recorded_at"],
                condition=Q(checked_at__isnull=True),
                name="drift_reading_unchecked",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(audit_report__isnull=False, meeting__isnull=True)
                | Q(audit_report__isnull=True, meeting__isnull=False),
                name="reading_from_audit_or_meeting",
            )
        ]

    def __str__(self):
        return f"Drift {self.score} on {self.recorded_at:%Y-%m-%d}"


class Flag(models.Model):
    """A warning about the partnership, open until someone resolves it."""

    Kind = FlagKind

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(
        max_length=200, unique=True, help_text="The thing and period this flag is about."
    )
    message = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["assignment", "resolved_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.assignment}"

    @property
    def is_open(self):
        return self.resolved_at is None


class Notification(models.Model):
    """One message to one person, shown in-app and e-mailed; recorded once per key."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    key = models.CharField(max_length=200, help_text="The thing, recipient and period.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    reason = models.CharField(max_length=200, blank=True, help_text="Why this person got it.")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="one_notification_per_recipient_key"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_unsent",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"

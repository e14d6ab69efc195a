"""The assignment and its lifecycle: the state machine, its guards and its history;
the brief, which the audit is measured against."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from partners.models import ClientOrganisation, ProviderFirm
from partners.validators import single_line

from .. import access
from ..constants import FINAL_STATES, OPEN_STATES, Dimension, Party, State

User = settings.AUTH_USER_MODEL


def lifecycle_order():
    """An expression ordering assignments by the phase they are in, brief first."""
    return models.Case(
        *(models.When(state=value, then=models.Value(i)) for i, value in enumerate(State.values)),
        default=models.Value(len(State.values)),
    )


def default_review_cadence():
    """The gap between progress meetings unless the assignment sets its own."""
    return settings.REVIEW_CADENCE_DAYS


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
        return _("The brief has no announced statement for: %(dimensions)s.") % {
            "dimensions": ", ".join(str(label) for label in absent).lower()
        }
    return ""


def missing_selectable_candidacy(assignment):
    if not any(c.is_selectable for c in assignment.candidacies.all()):
        return _(
            "No candidacy is ready to select: it must be presented to the client after a "
            "complete vetting, with an agreed day rate."
        )
    return ""


def missing_submitted_audit(assignment):
    # Iterates the related manager so that a prefetched page costs no query.
    if not any(r.is_submitted for r in assignment.audit_reports.all()):
        return _("No submitted audit report is waiting: the manager must submit one first.")
    return ""


def missing_plan_confirmations(assignment):
    plan = assignment.current_plan
    if plan is None:
        return _("There is no action plan yet.")
    missing = plan.missing_parties
    if missing:
        labels = ", ".join(str(Party(p).label).lower() for p in missing)
        return _("Action plan v%(version)s still needs the confirmation of: %(parties)s.") % {
            "version": plan.version,
            "parties": labels,
        }
    return ""


def missing_revised_plan(assignment):
    plan = assignment.current_plan
    if plan is None or plan.version <= (assignment.realignment_plan_version or 0):
        return _("Realignment needs a revised action plan (a new version) confirmed by all three.")
    return missing_plan_confirmations(assignment)


def _met(guard):
    def condition(assignment):
        return not guard(assignment)

    condition.guard = guard
    condition.__name__ = guard.__name__.replace("missing_", "has_")
    return condition


class Assignment(ConcurrentTransitionMixin, models.Model):
    """One placement of an interim manager at a client, from brief to close."""

    title = models.CharField(max_length=200, validators=[single_line])
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
    summary = models.TextField(blank=True, help_text=_lazy("The client's request in a few lines."))
    review_cadence_days = models.PositiveSmallIntegerField(
        default=default_review_cadence,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
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
        verbose_name = _lazy("assignment")
        verbose_name_plural = _lazy("assignments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["firm", "state"]),
            models.Index(fields=["client", "state"]),
            # The list's order within a firm: its first page is read off the index, not
            # sorted out of the whole firm.
            models.Index(
                "firm", models.F("created_at").desc(), models.F("id").desc(), name="firm_newest"
            ),
            # The homes' order, by phase then newest, for a client organisation and for a
            # manager: their first 50 read off the index, not sorted out of thousands.
            models.Index(
                "client", lifecycle_order(), models.F("created_at").desc(), name="client_by_phase"
            ),
            models.Index(
                "interim_manager",
                lifecycle_order(),
                models.F("created_at").desc(),
                name="manager_by_phase",
            ),
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
            "label": _lazy("Open selection"),
            "who": _lazy("the director"),
            "refused": _lazy("Only a director of the assignment's firm may open the selection."),
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
            "label": _lazy("Select manager"),
            "who": _lazy("the client contact or the director"),
            "refused": _lazy(
                "Only the client (or a director of the firm) may select the manager."
            ),
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
            "label": _lazy("Accept audit"),
            "who": _lazy("the director"),
            "refused": _lazy(
                "Only a director of the assignment's firm may accept the audit report."
            ),
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
            "label": _lazy("Start progress"),
            "who": _lazy("the director"),
            "refused": _lazy("Only a director of the assignment's firm may start the assignment."),
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
            "label": _lazy("Start realignment"),
            "who": _lazy("the director"),
            "refused": _lazy("Only a director of the assignment's firm may start a realignment."),
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
            "label": _lazy("Resume progress"),
            "who": _lazy("the director"),
            "refused": _lazy("Only a director of the assignment's firm may resume progress."),
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
            "label": _lazy("Complete"),
            "who": _lazy("the director"),
            "refused": _lazy(
                "Only a director of the assignment's firm may complete an assignment."
            ),
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
            "label": _lazy("Cancel assignment"),
            "who": _lazy("the director"),
            "refused": _lazy("Only a director of the assignment's firm may cancel an assignment."),
        },
    )
    def cancel(self, reason):
        """The assignment ends early, for a stated reason."""
        self.cancel_reason = reason
        self.closed_at = timezone.now()


class TransitionRecord(models.Model):
    """One change of state: who, when, from, to, which transition and why."""

    # The first row of every history: the assignment recorded, from no state to its first.
    CREATION = "create"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _lazy("transition record")
        verbose_name_plural = _lazy("transition records")
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
        verbose_name = _lazy("brief item")
        verbose_name_plural = _lazy("brief items")
        ordering = ["assignment", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "dimension"], name="one_brief_item_per_dimension"
            )
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.statement[:60]}"

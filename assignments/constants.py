"""The vocabulary of the lifecycle, named once: states, parties, dimensions, levels, flag
kinds and the groups of states the rules speak of. Pure: no models, no settings."""

from django.db import models

from .drift import DIMENSIONS, MAX_LEVEL


class State(models.TextChoices):
    BRIEF = "brief", "Brief"
    SELECTION = "selection", "Selection"
    AUDIT = "audit", "Audit"
    ACTION_PLAN = "action_plan", "Action plan"
    IN_PROGRESS = "in_progress", "In progress"
    REALIGNMENT = "realignment", "Realignment"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


FINAL_STATES = (State.COMPLETED, State.CANCELLED)
OPEN_STATES = tuple(s for s in State if s not in FINAL_STATES)
ACTIVE_STATES = (State.AUDIT, State.ACTION_PLAN, State.IN_PROGRESS, State.REALIGNMENT)
# The assignment runs: progress meetings are held and client commitments fall due.
RUNNING_STATES = (State.IN_PROGRESS, State.REALIGNMENT)
# An action plan is drafted and confirmed: first after the audit, again in a realignment.
PLANNING_STATES = (State.ACTION_PLAN, State.REALIGNMENT)
# From the audit on, the brief is the reference the audit is measured against.
BRIEF_EDITABLE_STATES = (State.BRIEF, State.SELECTION)
# Before the director accepts an audit, the client has not seen any of it.
PRE_AUDIT_STATES = (State.BRIEF, State.SELECTION, State.AUDIT)


class Party(models.TextChoices):
    CLIENT = "client", "Client contact"
    MANAGER = "manager", "Interim manager"
    DIRECTOR = "director", "Assignment director"


class Dimension(models.TextChoices):
    OBJECTIVES = "objectives", "Objectives"
    CONTEXT = "context", "Context"
    SKILLS = "skills", "Skills"
    RESOURCES = "resources", "Resources"
    EXPECTATIONS = "expectations", "Expectations"
    TIMELINE = "timeline", "Timeline"


assert tuple(Dimension.values) == DIMENSIONS


class GapLevel(models.IntegerChoices):
    ALIGNED = 0, "0 – aligned"
    MINOR = 1, "1 – minor"
    SIGNIFICANT = 2, "2 – significant"
    CRITICAL = 3, "3 – critical"


CRITICAL_LEVEL = GapLevel.CRITICAL
assert CRITICAL_LEVEL == MAX_LEVEL

# Fit, workload and strain are rated 1 (low) to 5 (high).
RATING_MIN, RATING_MAX = 1, 5
RATING_CHOICES = [(n, str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]
OVERLOADED = RATING_MAX


class FlagKind(models.TextChoices):
    GAP_DRIFT = "gap_drift", "Gap drift"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    AUDIT_OVERDUE = "audit_overdue", "Audit overdue"
    FUSE_RISK = "fuse_risk", "Fuse risk"
    DIRECTION_CHANGE = "direction_change", "Direction change"
    MANAGER_STRAIN = "manager_strain", "Manager strain"


# The flags a manager may close: a review that is late is theirs to hold. Every other flag
# is the director's warning about the manager, the client or the brief.
MANAGER_RESOLVABLE_FLAGS = (FlagKind.REVIEW_OVERDUE,)


class NotificationKind(models.TextChoices):
    """What a notification is about; each person chooses per kind how it reaches them."""

    SELECTION = "selection", "Candidates presented and chosen"
    AUDIT = "audit", "Audit report submitted, returned or accepted"
    PLAN = "plan", "Action plan to confirm, and confirmed"
    LIFECYCLE = "lifecycle", "Assignment started, realigned, resumed, completed or cancelled"
    MEETING = "meeting", "Progress meeting recorded"
    CHANNEL = "channel", "Private notes between director and manager"
    REMINDER = "reminder", "Reminders and warnings: reviews, audit due, commitments"


class Delivery(models.TextChoices):
    """How a notification reaches its recipient beyond the in-app list."""

    IMMEDIATE = "immediate", "E-mail at once"
    DIGEST = "digest", "Daily digest e-mail"
    IN_APP = "in_app", "In Interim only"


# What reaches people when they have not chosen: what makes it their turn at once, the
# news of the assignment in the daily digest.
DEFAULT_DELIVERY = {
    NotificationKind.SELECTION: Delivery.IMMEDIATE,
    NotificationKind.AUDIT: Delivery.IMMEDIATE,
    NotificationKind.PLAN: Delivery.IMMEDIATE,
    NotificationKind.LIFECYCLE: Delivery.DIGEST,
    NotificationKind.MEETING: Delivery.DIGEST,
    NotificationKind.CHANNEL: Delivery.IMMEDIATE,
    NotificationKind.REMINDER: Delivery.IMMEDIATE,
}

"""The vocabulary of the lifecycle, named once: states, parties, dimensions, levels, flag
kinds and the groups of states the rules speak of. Pure: no models, no settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from .drift import DIMENSIONS, MAX_LEVEL


class State(models.TextChoices):
    BRIEF = "brief", pgettext_lazy("assignment state", "Brief")
    SELECTION = "selection", pgettext_lazy("assignment state", "Selection")
    AUDIT = "audit", pgettext_lazy("assignment state", "Audit")
    ACTION_PLAN = "action_plan", pgettext_lazy("assignment state", "Action plan")
    IN_PROGRESS = "in_progress", pgettext_lazy("assignment state", "In progress")
    REALIGNMENT = "realignment", pgettext_lazy("assignment state", "Realignment")
    COMPLETED = "completed", pgettext_lazy("assignment state", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("assignment state", "Cancelled")


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
    CLIENT = "client", _lazy("Client contact")
    MANAGER = "manager", _lazy("Interim manager")
    DIRECTOR = "director", _lazy("Assignment director")


class Dimension(models.TextChoices):
    OBJECTIVES = "objectives", _lazy("Objectives")
    CONTEXT = "context", _lazy("Context")
    SKILLS = "skills", _lazy("Skills")
    RESOURCES = "resources", _lazy("Resources")
    EXPECTATIONS = "expectations", _lazy("Expectations")
    TIMELINE = "timeline", _lazy("Timeline")


assert tuple(Dimension.values) == DIMENSIONS


class GapLevel(models.IntegerChoices):
    ALIGNED = 0, _lazy("0 – aligned")
    MINOR = 1, _lazy("1 – minor")
    SIGNIFICANT = 2, _lazy("2 – significant")
    CRITICAL = 3, _lazy("3 – critical")


CRITICAL_LEVEL = GapLevel.CRITICAL
assert CRITICAL_LEVEL == MAX_LEVEL

# Fit, workload and strain are rated 1 (low) to 5 (high).
RATING_MIN, RATING_MAX = 1, 5
RATING_CHOICES = [(n, str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]
OVERLOADED = RATING_MAX


class FlagKind(models.TextChoices):
    GAP_DRIFT = "gap_drift", _lazy("Gap drift")
    REVIEW_OVERDUE = "review_overdue", _lazy("Review overdue")
    AUDIT_OVERDUE = "audit_overdue", _lazy("Audit overdue")
    FUSE_RISK = "fuse_risk", _lazy("Fuse risk")
    DIRECTION_CHANGE = "direction_change", _lazy("Direction change")
    MANAGER_STRAIN = "manager_strain", _lazy("Manager strain")


# The flags a manager may close: a review that is late is theirs to hold. Every other flag
# is the director's warning about the manager, the client or the brief.
MANAGER_RESOLVABLE_FLAGS = (FlagKind.REVIEW_OVERDUE,)


class NotificationKind(models.TextChoices):
    """What a notification is about; each person chooses per kind how it reaches them."""

    SELECTION = "selection", _lazy("Candidates presented and chosen")
    AUDIT = "audit", _lazy("Audit report submitted, returned or accepted")
    PLAN = "plan", _lazy("Action plan to confirm, and confirmed")
    LIFECYCLE = (
        "lifecycle",
        _lazy("Assignment started, realigned, resumed, completed or cancelled"),
    )
    MEETING = "meeting", _lazy("Progress meeting recorded")
    CHANNEL = "channel", _lazy("Private notes between director and manager")
    REMINDER = "reminder", _lazy("Reminders and warnings: reviews, audit due, commitments")


class Delivery(models.TextChoices):
    """How a notification reaches its recipient beyond the in-app list."""

    IMMEDIATE = "immediate", _lazy("E-mail at once")
    DIGEST = "digest", _lazy("Daily digest e-mail")
    IN_APP = "in_app", _lazy("In Interim only")


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

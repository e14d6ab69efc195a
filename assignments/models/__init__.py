"""The lifecycle and everything recorded along it, one module per phase. The vocabulary
is named once in `constants`; it is re-exported here for the callers that know it as
`models.State`, `models.Party`…"""

from ..constants import (
    ACTIVE_STATES,
    CRITICAL_LEVEL,
    FINAL_STATES,
    RUNNING_STATES,
    Dimension,
    GapLevel,
    Party,
    State,
)
from .audit import AuditFinding, AuditReport
from .flags import ChannelNote, Flag, Notification, NotificationPreference
from .lifecycle import Assignment, BriefItem, TransitionRecord
from .meetings import DriftReading, MeetingRating, ProgressMeeting
from .plan import ActionPlan, ClientCommitment, Milestone, PlanConfirmation
from .selection import Candidacy, NegotiationRound

__all__ = [
    "ACTIVE_STATES",
    "CRITICAL_LEVEL",
    "FINAL_STATES",
    "RUNNING_STATES",
    "ActionPlan",
    "Assignment",
    "AuditFinding",
    "AuditReport",
    "BriefItem",
    "Candidacy",
    "ChannelNote",
    "ClientCommitment",
    "Dimension",
    "DriftReading",
    "Flag",
    "GapLevel",
    "MeetingRating",
    "Milestone",
    "NegotiationRound",
    "Notification",
    "NotificationPreference",
    "Party",
    "PlanConfirmation",
    "ProgressMeeting",
    "State",
    "TransitionRecord",
]

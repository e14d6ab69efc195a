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
from .business import Opportunity
from .calendar import CalendarFeed
from .closeout import (
    Achievement,
    Cause,
    ClientEvaluation,
    Closeout,
    CloseoutDimension,
    CloseoutMilestone,
    ManagerEvaluation,
)
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
    "Achievement",
    "ActionPlan",
    "Assignment",
    "AuditFinding",
    "AuditReport",
    "BriefItem",
    "CalendarFeed",
    "Candidacy",
    "Cause",
    "ChannelNote",
    "ClientCommitment",
    "ClientEvaluation",
    "Closeout",
    "CloseoutDimension",
    "CloseoutMilestone",
    "Dimension",
    "DriftReading",
    "Flag",
    "GapLevel",
    "ManagerEvaluation",
    "MeetingRating",
    "Milestone",
    "NegotiationRound",
    "Notification",
    "NotificationPreference",
    "Opportunity",
    "Party",
    "PlanConfirmation",
    "ProgressMeeting",
    "State",
    "TransitionRecord",
]

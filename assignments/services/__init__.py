"""Every write that means something in an assignment's life: the one write layer.

Views, tasks, admin and commands call these (foreground and background alike); nothing
else changes an assignment's state or its records. One module per phase:

- `transitions`: one service per transition of the lifecycle;
- `brief`, `selection`, `audit`, `plan`, `meetings`: the records of each phase;
- `flags`, `notifications`: warnings and messages, each recorded once per key;
- `channel`: the private thread between the director and the manager;
- `business`: the firm's pipeline of new business (leads from meetings, or noted directly);
- `closeout`: the close-out of an ended assignment, its parts and their reminders;
- `drift`: the gap-drift history and the flags it raises;
- `sweeps`: the periodic reminders and escalations;
- `background`: handing work to the worker after commit.

The names below are the public surface, for callers that say `services.<verb>`.
"""

from ..exceptions import AssignmentChanged, Refused
from .audit import (
    audit_report_return,
    audit_report_start,
    audit_report_submit,
    audit_report_update,
)
from .brief import assignment_check_new, assignment_create, brief_update
from .business import (
    opportunity_create,
    opportunity_from_meeting,
    opportunity_start_check,
    opportunity_update,
)
from .channel import channel_note_post
from .closeout import (
    CLOSEOUT_SUBMIT,
    client_evaluation_submit,
    closeout_open,
    closeout_reminders_send,
    closeout_review_submit,
    manager_evaluation_submit,
)
from .drift import audit_report_record_drift
from .flags import flag_resolve, flags_resolve
from .meetings import MEETING_FIELDS, meeting_mark_missed, meeting_record, meeting_schedule
from .notifications import notification_mark_read, notifications_mark_all_read
from .plan import (
    action_plan_confirm,
    action_plan_draft,
    action_plan_update,
    commitment_mark_delivered,
)
from .selection import candidacy_add, candidacy_present, candidacy_vet, negotiation_round_record
from .transitions import (
    TRANSITION_SERVICES,
    assignment_accept_audit,
    assignment_cancel,
    assignment_complete,
    assignment_open_selection,
    assignment_resume_progress,
    assignment_select_manager,
    assignment_start_progress,
    assignment_start_realignment,
)

__all__ = [
    "CLOSEOUT_SUBMIT",
    "MEETING_FIELDS",
    "TRANSITION_SERVICES",
    "AssignmentChanged",
    "Refused",
    "action_plan_confirm",
    "action_plan_draft",
    "action_plan_update",
    "assignment_accept_audit",
    "assignment_cancel",
    "assignment_check_new",
    "assignment_complete",
    "assignment_create",
    "assignment_open_selection",
    "assignment_resume_progress",
    "assignment_select_manager",
    "assignment_start_progress",
    "assignment_start_realignment",
    "audit_report_record_drift",
    "audit_report_return",
    "audit_report_start",
    "audit_report_submit",
    "audit_report_update",
    "brief_update",
    "candidacy_add",
    "candidacy_present",
    "candidacy_vet",
    "channel_note_post",
    "client_evaluation_submit",
    "closeout_open",
    "closeout_reminders_send",
    "closeout_review_submit",
    "commitment_mark_delivered",
    "flag_resolve",
    "flags_resolve",
    "manager_evaluation_submit",
    "meeting_mark_missed",
    "meeting_record",
    "meeting_schedule",
    "negotiation_round_record",
    "notification_mark_read",
    "notifications_mark_all_read",
    "opportunity_create",
    "opportunity_from_meeting",
    "opportunity_start_check",
    "opportunity_update",
]

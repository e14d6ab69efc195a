"""Every read scoped to a user: scoping (who sees which assignment), the assignment page,
the list, the homes and dashboards. Lists start here; one helper fetches and authorises.
The names below are the public surface, for callers that say `selectors.<name>`."""

from .channel import channel_notes_for, channel_summary
from .closeout import closeout_context
from .dashboards import client_home, dashboard_version, director_dashboard, manager_home
from .lists import SORTS, assignment_list, list_filter_choices, sees_flags_somewhere
from .notifications import notifications_for, unread_count
from .page import Page, assignment_page, assignment_page_context, candidacies_visible_to
from .scoping import (
    FULL,
    SUMMARY,
    assignments_for_user,
    firm_assignments,
    get_assignment_for_user,
    get_child_or_404,
    lifecycle_order,
)

__all__ = [
    "FULL",
    "SORTS",
    "SUMMARY",
    "Page",
    "assignment_list",
    "assignment_page",
    "assignment_page_context",
    "assignments_for_user",
    "candidacies_visible_to",
    "channel_notes_for",
    "channel_summary",
    "client_home",
    "closeout_context",
    "dashboard_version",
    "director_dashboard",
    "firm_assignments",
    "get_assignment_for_user",
    "get_child_or_404",
    "lifecycle_order",
    "list_filter_choices",
    "manager_home",
    "notifications_for",
    "sees_flags_somewhere",
    "unread_count",
]

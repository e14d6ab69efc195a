"""The API's query-string filters: validated like forms (a bad value is a 400 naming the
field), then handed to the same selectors as the web lists."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _lazy

from partners.models import ClientOrganisation

from ..constants import FlagKind, State
from ..models import (
    ActionPlan,
    Assignment,
    AuditReport,
    Candidacy,
    Flag,
    Notification,
    ProgressMeeting,
)
from ..selectors.lists import SORTS, assignment_list
from ..selectors.scoping import assignments_for_user

ORDERINGS = [
    ("newest", _lazy("Newest first")),
    ("oldest", _lazy("Oldest first")),
    ("title", _lazy("Title")),
    ("client", _lazy("Client")),
    ("state", _lazy("Phase, brief first")),
    ("drift", _lazy("Gap drift, highest first")),
]
assert {value for value, _label in ORDERINGS} == set(SORTS)


def visible_clients(request: Any) -> QuerySet[ClientOrganisation]:
    """The client organisations of the assignments the caller sees: another one's id is
    as unknown as a missing one."""
    if request is None or not request.user.is_authenticated:
        return ClientOrganisation.objects.none()
    return ClientOrganisation.objects.filter(
        pk__in=assignments_for_user(request.user).values("client_id")
    )


class AssignmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=State.choices, help_text=_lazy("Only assignments in this state.")
    )
    client = django_filters.ModelChoiceFilter(
        queryset=visible_clients,
        help_text=_lazy("Only the assignments of this client organisation (its id)."),
    )
    q = django_filters.CharFilter(
        max_length=200,
        help_text=_lazy("Words in the title, the client's, the manager's or the director's name."),
    )
    ordering = django_filters.ChoiceFilter(
        choices=ORDERINGS, empty_label=None, help_text=_lazy("The order; newest first by default.")
    )

    class Meta:
        model = Assignment
        fields = ["state", "client", "q", "ordering"]

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The web list's selector, with the validated values (the user's scope is its)."""
        data = self.form.cleaned_data
        return assignment_list(
            self.request.user,
            state=data.get("state") or None,
            client=data.get("client"),
            q=data.get("q") or "",
            sort=data.get("ordering") or "newest",
        )


def status_filter(model: Any) -> type[django_filters.FilterSet]:
    """A child list filtered by its status (a choice: anything else is a 400)."""
    meta = type("Meta", (), {"model": model, "fields": ["status"]})
    return type(f"{model.__name__}Filter", (django_filters.FilterSet,), {"Meta": meta})


CandidacyFilter = status_filter(Candidacy)
AuditReportFilter = status_filter(AuditReport)
ActionPlanFilter = status_filter(ActionPlan)
ProgressMeetingFilter = status_filter(ProgressMeeting)


class FlagFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=FlagKind.choices)
    open = django_filters.BooleanFilter(
        field_name="resolved_at",
        lookup_expr="isnull",
        help_text=_lazy("true: only open flags; false: only resolved ones."),
    )

    class Meta:
        model = Flag
        fields = ["kind", "open"]


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at",
        lookup_expr="isnull",
        help_text=_lazy("true: only unread notifications; false: only read ones."),
    )

    class Meta:
        model = Notification
        fields = ["unread"]

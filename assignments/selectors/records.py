"""Track records: how a manager's past assignments ended, what the clients said of them
and how the clients around them kept their word; and the firm's mirror, how its own
presentations ended. Provider-side reads, scoped to one firm (every firm for an admin);
each costs a fixed number of queries whatever the number of managers and assignments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..constants import FINAL_STATES, State
from ..models import ActionPlan, Assignment, Candidacy, ClientCommitment
from ..models.closeout import Achievement, Cause, CloseoutDimension

# The past assignments a track record lists, newest first; its totals count them all.
RECORD_ROWS = 10
# The mirror looks back this far over the firm's presentations.
MIRROR_DAYS = 365
# The causes that say the firm presented the wrong person.
WRONG_PERSON_CAUSES = (Cause.OVERSELL, Cause.MANAGER_POSTURE)


def _share(part: int, whole: int) -> int | None:
    """`part` of `whole` in percent, rounded; None when there is nothing to count."""
    return round(100 * part / whole) if whole else None


def _tenths(value: float | None) -> float | None:
    """An average rating to one decimal (4.3/5)."""
    return None if value is None else round(value, 1)


def _whole(value: float | None) -> int | None:
    """An average drift to a whole point, as drift is scored."""
    return None if value is None else round(value)


@dataclass
class PastAssignment:
    """One final assignment the manager ran, as its close-out recorded it."""

    assignment_id: int
    title: str
    client: str
    state: str
    state_label: str
    closed_on: date | None
    drift_at_audit: int | None
    drift_at_close: int | None
    achieved: int = 0
    partly: int = 0
    not_achieved: int = 0
    cause: str = ""
    cause_label: str = ""
    delivery: int | None = None
    posture: int | None = None
    would_engage_again: bool | None = None
    evaluation_comment: str = ""
    commitments_due: int = 0
    commitments_delivered: int = 0

    @property
    def reviewed(self) -> bool:
        return bool(self.achieved or self.partly or self.not_achieved or self.cause)

    @property
    def evaluated(self) -> bool:
        return self.delivery is not None


@dataclass
class TrackRecord:
    """A manager's record within one firm's assignments (every firm's for an admin)."""

    manager_id: int
    assignments: list[PastAssignment] = field(default_factory=list)
    assignment_count: int = 0
    completed: int = 0
    cancelled: int = 0
    evaluations: int = 0
    average_delivery: float | None = None
    average_posture: float | None = None
    would_engage_again: int = 0
    commitments_due: int = 0
    commitments_delivered: int = 0
    presented: int = 0
    selected: int = 0
    average_drift_at_audit: int | None = None
    average_drift_at_close: int | None = None

    @property
    def would_engage_again_share(self) -> int | None:
        return _share(self.would_engage_again, self.evaluations)

    @property
    def commitments_honoured_share(self) -> int | None:
        return _share(self.commitments_delivered, self.commitments_due)

    @property
    def is_empty(self) -> bool:
        return not (self.assignment_count or self.presented)


def _past(manager_ids: list[int], firm_id: int | None) -> QuerySet[Assignment]:
    past = Assignment.objects.filter(interim_manager_id__in=manager_ids, state__in=FINAL_STATES)
    return past if firm_id is None else past.filter(firm_id=firm_id)


def _binding_commitments(assignments: QuerySet[Assignment]) -> QuerySet[ClientCommitment]:
    """The client's commitments due by the close, on each assignment's last confirmed plan
    (a revision copies the previous plan's commitments: one promise is counted once)."""
    last_confirmed = (
        ActionPlan.objects.filter(
            assignment=OuterRef("plan__assignment"),
            status__in=[ActionPlan.Status.CONFIRMED, ActionPlan.Status.SUPERSEDED],
        )
        .order_by("-version")
        .values("version")[:1]
    )
    return ClientCommitment.objects.filter(
        Q(plan__assignment__closed_at__isnull=True)
        | Q(due_date__lte=TruncDate("plan__assignment__closed_at")),
        plan__assignment__in=assignments.values("pk"),
        plan__version=Subquery(last_confirmed),
    )


DELIVERED = Q(delivered_on__isnull=False)


def track_records(
    manager_ids: Iterable[int], *, firm_id: int | None = None
) -> dict[int, TrackRecord]:
    """The track records of these managers (user ids) within `firm_id`'s assignments
    (None: every firm's, for an admin), in six queries whatever their number."""
    ids = sorted({pk for pk in manager_ids if pk is not None})
    records = {pk: TrackRecord(manager_id=pk) for pk in ids}
    if not ids:
        return records
    past = _past(ids, firm_id)
    totals = (
        past.values("interim_manager_id")
        .annotate(
            n=Count("pk"),
            completed=Count("pk", filter=Q(state=State.COMPLETED)),
            cancelled=Count("pk", filter=Q(state=State.CANCELLED)),
            evaluations=Count("closeout__client_evaluation"),
            delivery=Avg("closeout__client_evaluation__delivery"),
            posture=Avg("closeout__client_evaluation__posture"),
            again=Count(
                "closeout__client_evaluation",
                filter=Q(closeout__client_evaluation__would_engage_again=True),
            ),
            drift_audit=Avg(Coalesce("closeout__drift_at_audit", "gap_drift")),
            drift_close=Avg(Coalesce("closeout__drift_at_close", "gap_drift")),
        )
        .order_by()
    )
    for row in totals:
        r = records[row["interim_manager_id"]]
        r.assignment_count, r.completed, r.cancelled = row["n"], row["completed"], row["cancelled"]
        r.evaluations, r.would_engage_again = row["evaluations"], row["again"]
        r.average_delivery = _tenths(row["delivery"])
        r.average_posture = _tenths(row["posture"])
        r.average_drift_at_audit = _whole(row["drift_audit"])
        r.average_drift_at_close = _whole(row["drift_close"])
    commitments = (
        _binding_commitments(past)
        .values(manager=F("plan__assignment__interim_manager_id"))
        .annotate(due=Count("pk"), honoured=Count("pk", filter=DELIVERED))
        .order_by()
    )
    for kept in commitments:
        r = records[kept["manager"]]
        r.commitments_due, r.commitments_delivered = kept["due"], kept["honoured"]
    candidacies = Candidacy.objects.filter(manager_id__in=ids)
    if firm_id is not None:
        candidacies = candidacies.filter(assignment__firm_id=firm_id)
    for seen in (
        candidacies.values("manager_id")
        .annotate(
            presented=Count("pk", filter=Q(presented_at__isnull=False)),
            selected=Count("pk", filter=Q(status=Candidacy.Status.SELECTED)),
        )
        .order_by()
    ):
        r = records[seen["manager_id"]]
        r.presented, r.selected = seen["presented"], seen["selected"]
    _fill_rows(records, past)
    return records


def _fill_rows(records: dict[int, TrackRecord], past: QuerySet[Assignment]) -> None:
    """Each manager's latest past assignments, with their close-out's readings."""
    latest = past.annotate(
        row=Window(
            RowNumber(),
            partition_by=[F("interim_manager_id")],
            order_by=[F("closed_at").desc(nulls_last=True), F("pk").desc()],
        )
    ).filter(row__lte=RECORD_ROWS)
    rows = list(
        latest.values(
            "pk",
            "interim_manager_id",
            "title",
            "client__name",
            "state",
            "closed_at",
            "gap_drift",
            "closeout__drift_at_audit",
            "closeout__drift_at_close",
            "closeout__cause",
            "closeout__client_evaluation__delivery",
            "closeout__client_evaluation__posture",
            "closeout__client_evaluation__would_engage_again",
            "closeout__client_evaluation__comment",
        ).order_by("interim_manager_id", "row")
    )
    # The rows' ids as a subquery, not a list: the same queries whether there are rows
    # or none.
    shown = Assignment.objects.filter(pk__in=latest.values("pk"))
    readings: dict[int, dict[str, int]] = {}
    for reading in (
        CloseoutDimension.objects.filter(closeout__assignment__in=shown)
        .values("closeout__assignment_id", "result")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        readings.setdefault(reading["closeout__assignment_id"], {})[reading["result"]] = reading[
            "n"
        ]
    honoured: dict[int, dict[str, int]] = {
        row["assignment"]: {"due": row["due"], "delivered": row["honoured"]}
        for row in _binding_commitments(shown)
        .values(assignment=F("plan__assignment_id"))
        .annotate(due=Count("pk"), honoured=Count("pk", filter=DELIVERED))
        .order_by()
    }
    states, causes = dict(State.choices), dict(Cause.choices)
    for row in rows:
        pk, closed_at = row["pk"], row["closed_at"]
        counts = readings.get(pk, {})
        kept = honoured.get(pk, {})
        cause = row["closeout__cause"] or ""
        records[row["interim_manager_id"]].assignments.append(
            PastAssignment(
                assignment_id=pk,
                title=row["title"],
                client=row["client__name"],
                state=row["state"],
                state_label=str(states.get(row["state"], row["state"])),
                closed_on=timezone.localdate(closed_at) if closed_at else None,
                drift_at_audit=_or(row["closeout__drift_at_audit"], row["gap_drift"]),
                drift_at_close=_or(row["closeout__drift_at_close"], row["gap_drift"]),
                achieved=counts.get(Achievement.ACHIEVED, 0),
                partly=counts.get(Achievement.PARTLY, 0),
                not_achieved=counts.get(Achievement.NOT_ACHIEVED, 0),
                cause=cause,
                cause_label=str(causes.get(cause, "")) if cause else "",
                delivery=row["closeout__client_evaluation__delivery"],
                posture=row["closeout__client_evaluation__posture"],
                would_engage_again=row["closeout__client_evaluation__would_engage_again"],
                evaluation_comment=row["closeout__client_evaluation__comment"] or "",
                commitments_due=kept.get("due", 0),
                commitments_delivered=kept.get("delivered", 0),
            )
        )


def _or(value: int | None, fallback: int | None) -> int | None:
    return value if value is not None else fallback


def track_record_for(manager_id: int, firm_id: int | None) -> TrackRecord:
    """One manager's track record within `firm_id`'s assignments (None: every firm's)."""
    return track_records([manager_id], firm_id=firm_id)[manager_id]


# --- The firm's mirror ------------------------------------------------------------------------


def firm_mirror(assignments: QuerySet[Assignment], today: date | None = None) -> dict[str, Any]:
    """Over the candidacies presented in the last 12 months on `assignments` (the firm's):
    how many were chosen, how many had a low fit rating, and how the assignments of
    low-fit choices ended beside the others'. One query."""
    today = today or timezone.localdate()
    since = today - timedelta(days=MIRROR_DAYS)
    # From the start of that day: a bound on the column itself, not on a date cast of it.
    since_at = timezone.make_aware(datetime.combine(since, time.min))
    low = Q(fit_rating__lt=settings.LOW_FIT_RATING)
    chosen = Q(status=Candidacy.Status.SELECTED)
    state = "assignment__state"
    evaluation = "assignment__closeout__client_evaluation"
    reviewed = Q(assignment__closeout__reviewed_at__isnull=False)
    wrong_person = reviewed & Q(assignment__closeout__cause__in=WRONG_PERSON_CAUSES)
    figures: dict[str, Any] = {}
    for name, side in (("low", low), ("other", ~low | Q(fit_rating__isnull=True))):
        picked = chosen & side
        figures |= {
            f"{name}_completed": Count("pk", filter=picked & Q(**{state: State.COMPLETED})),
            f"{name}_cancelled": Count("pk", filter=picked & Q(**{state: State.CANCELLED})),
            f"{name}_running": Count("pk", filter=picked & ~Q(**{f"{state}__in": FINAL_STATES})),
            f"{name}_delivery": Avg(f"{evaluation}__delivery", filter=picked),
            f"{name}_evaluations": Count(evaluation, filter=picked),
            f"{name}_reviewed": Count("pk", filter=picked & reviewed),
            f"{name}_wrong_person": Count("pk", filter=picked & wrong_person),
        }
    row = Candidacy.objects.filter(
        assignment__in=assignments.values("pk"),
        presented_at__gte=since_at,
    ).aggregate(
        presented=Count("pk"),
        selected=Count("pk", filter=chosen),
        low_presented=Count("pk", filter=low),
        low_selected=Count("pk", filter=low & chosen),
        **figures,
    )
    rows = []
    for name, label in (("low", _("Low-fit choices")), ("other", _("Other choices"))):
        rows.append(
            {
                "label": label,
                "selected": row[f"{name}_completed"]
                + row[f"{name}_cancelled"]
                + row[f"{name}_running"],
                "completed": row[f"{name}_completed"],
                "cancelled": row[f"{name}_cancelled"],
                "running": row[f"{name}_running"],
                "delivery": _tenths(row[f"{name}_delivery"]),
                "evaluations": row[f"{name}_evaluations"],
                "reviewed": row[f"{name}_reviewed"],
                "wrong_person": row[f"{name}_wrong_person"],
                "wrong_person_pct": _share(row[f"{name}_wrong_person"], row[f"{name}_reviewed"]),
            }
        )
    return {
        "since": since,
        "months": MIRROR_DAYS * 12 // 365,
        "low_fit_rating": settings.LOW_FIT_RATING,
        "presented": row["presented"],
        "selected": row["selected"],
        "selected_pct": _share(row["selected"], row["presented"]),
        "low_presented": row["low_presented"],
        "low_selected": row["low_selected"],
        "rows": rows,
    }


def candidacy_track_records(
    assignment: Assignment, user: Any, candidacies: list[Candidacy]
) -> None:
    """Beside each candidacy, during selection and for the provider only, its manager's
    track record with the assignment's firm (`c.track_record`), read once for them all."""
    if assignment.state != State.SELECTION or not access.can_see_internal_vetting(
        assignment, user
    ):
        return
    firm_id = None if access.is_admin(user) else assignment.firm_id
    records = track_records([c.manager_id for c in candidacies], firm_id=firm_id)
    for c in candidacies:
        c.track_record = records[c.manager_id]  # type: ignore[attr-defined]


def candidacy_track_record(assignment: Assignment, user: Any, c: Candidacy) -> TrackRecord | None:
    """One candidacy's track record, on the same terms as beside it on the page."""
    candidacy_track_records(assignment, user, [c])
    return getattr(c, "track_record", None)

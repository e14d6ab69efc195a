"""Who may do or see what, on one assignment: the one policy.

Services ask it before they write (and refuse), views before they show a form (403),
selectors before they put something on a page, templates through the booleans of
`abilities()`. A person is, on each assignment, only the party (or parties) they are
*there* — a director of another firm who is also the client's contact is the client on
this one. Admins (Django staff) may do everything; a final assignment is read-only for
everyone else.

Pure functions of (assignment, user): no queries of their own; related objects they read
(candidacies, audit reports) are prefetched by the page selectors. The SQL forms of the
same rules, for lists, are in `selectors.scoping`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from partners.models import ADMIN_PERMISSION

from .constants import (
    BRIEF_EDITABLE_STATES,
    FINAL_STATES,
    MANAGER_RESOLVABLE_FLAGS,
    OPEN_STATES,
    PLANNING_STATES,
    RUNNING_STATES,
    FlagKind,
    Party,
    State,
)
from .exceptions import Refused

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import Assignment

    User = Any  # partners.models.User, or AnonymousUser


# --- Who someone is on an assignment -------------------------------------------------------


# Staff status opens Django admin, whose models each have their own permissions; seeing and
# doing everything in the app is a permission of its own (superusers have every one).


def is_admin(user: User) -> bool:
    """An operator of the installation: staff with the permission to see everything (a
    superuser needs no query; another staff member's permissions are read once, then cached
    on the user)."""
    return bool(
        user and user.is_authenticated and user.is_staff and user.has_perm(ADMIN_PERMISSION)
    )


def _profile(user: User, name: str) -> Any:
    return getattr(user, name, None) if user and user.is_authenticated else None


def is_firm_director(assignment: Assignment, user: User) -> bool:
    """A director of the assignment's provider firm."""
    profile = _profile(user, "director_profile")
    return profile is not None and profile.firm_id == assignment.firm_id


def is_client_contact(assignment: Assignment, user: User) -> bool:
    """A contact of the assignment's client organisation."""
    profile = _profile(user, "client_profile")
    return profile is not None and profile.organisation_id == assignment.client_id


def is_selected_manager(assignment: Assignment, user: User) -> bool:
    return bool(user and user.is_authenticated) and assignment.interim_manager_id == user.pk


def parties_of(assignment: Assignment, user: User) -> list[Party]:
    """The parties `user` speaks for on this assignment (none, one, rarely two)."""
    found = []
    if is_client_contact(assignment, user):
        found.append(Party.CLIENT)
    if is_selected_manager(assignment, user):
        found.append(Party.MANAGER)
    if is_firm_director(assignment, user):
        found.append(Party.DIRECTOR)
    return found


def is_party(assignment: Assignment, user: User) -> bool:
    return is_admin(user) or bool(parties_of(assignment, user))


def is_director_side(assignment: Assignment, user: User) -> bool:
    """The firm's director on this assignment, or an admin."""
    return is_admin(user) or is_firm_director(assignment, user)


def is_provider_side(assignment: Assignment, user: User) -> bool:
    """The provider's side of this assignment: its director, its manager, or an admin."""
    return is_director_side(assignment, user) or is_selected_manager(assignment, user)


# Transition permissions (django-fsm's `permission=` on the model's transitions).
def may_direct(assignment: Assignment, user: User) -> bool:
    return is_director_side(assignment, user)


def may_choose_manager(assignment: Assignment, user: User) -> bool:
    return is_director_side(assignment, user) or is_client_contact(assignment, user)


# --- What someone may do --------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Who may do something on an assignment, and in which states."""

    parties: tuple[Party, ...]
    states: tuple[State, ...]
    what: StrOrPromise  # completes "Only the … may …" and "You cannot … while …"
    # An admin may still do it once the assignment is closed (tidying up, not working).
    admin_after_close: bool = False


RULES: dict[str, Rule] = {
    "edit_brief": Rule((Party.DIRECTOR,), BRIEF_EDITABLE_STATES, _lazy("edit the brief")),
    "shortlist": Rule((Party.DIRECTOR,), (State.SELECTION,), _lazy("shortlist candidates")),
    "vet": Rule((Party.DIRECTOR,), (State.SELECTION,), _lazy("vet candidates")),
    "present": Rule((Party.DIRECTOR,), (State.SELECTION,), _lazy("present candidates")),
    "negotiate": Rule((Party.DIRECTOR,), (State.SELECTION,), _lazy("negotiate the day rate")),
    "write_audit": Rule((Party.MANAGER,), (State.AUDIT,), _lazy("write the audit report")),
    "review_audit": Rule((Party.DIRECTOR,), (State.AUDIT,), _lazy("review the audit report")),
    "draft_plan": Rule(
        (Party.DIRECTOR, Party.MANAGER), PLANNING_STATES, _lazy("draft the action plan")
    ),
    "confirm_plan": Rule(
        (Party.CLIENT, Party.MANAGER, Party.DIRECTOR),
        PLANNING_STATES,
        _lazy("confirm an action plan"),
    ),
    "mark_delivered": Rule(
        (Party.DIRECTOR, Party.MANAGER, Party.CLIENT),
        (State.ACTION_PLAN, *RUNNING_STATES),
        _lazy("mark a commitment delivered"),
    ),
    "schedule_meeting": Rule(
        (Party.DIRECTOR,), RUNNING_STATES, _lazy("schedule a progress meeting")
    ),
    "record_meeting": Rule(
        (Party.DIRECTOR, Party.MANAGER), RUNNING_STATES, _lazy("record a progress meeting")
    ),
    "mark_meeting_missed": Rule((Party.DIRECTOR,), RUNNING_STATES, _lazy("mark a meeting missed")),
    "resolve_flag": Rule(
        (Party.DIRECTOR, Party.MANAGER),
        OPEN_STATES,
        _lazy("resolve a flag"),
        admin_after_close=True,
    ),
    "use_channel": Rule(
        (Party.DIRECTOR, Party.MANAGER), OPEN_STATES, _lazy("write in the private channel")
    ),
}


def _labels(parties: tuple[Party, ...]) -> str:
    return _(" or ").join(str(Party(p).label).lower() for p in parties)


def _state_label(assignment: Assignment) -> str:
    return str(State(assignment.state).label)


def refusal(action: str, assignment: Assignment, user: User) -> Exception | None:
    """Why `user` may not do `action` on `assignment` now (None when they may): a
    PermissionDenied when they are not the party for it, a Refused when it is not the time.
    A final assignment is read-only for everyone but an admin."""
    rule = RULES[action]
    admin = is_admin(user)
    if not admin and not set(parties_of(assignment, user)) & set(rule.parties):
        return PermissionDenied(
            _("Only the %(parties)s may %(action)s.")
            % {"parties": _labels(rule.parties), "action": rule.what}
        )
    if assignment.state in rule.states:
        return None
    if admin and rule.admin_after_close and assignment.state in FINAL_STATES:
        return None
    return Refused(
        _("You cannot %(action)s while the assignment is in “%(state)s”.")
        % {"action": rule.what, "state": _state_label(assignment)}
    )


def can(action: str, assignment: Assignment, user: User) -> bool:
    return refusal(action, assignment, user) is None


def check(action: str, assignment: Assignment, user: User) -> None:
    """Raise the refusal of `action` for `user`, if any (services call this first)."""
    reason = refusal(action, assignment, user)
    if reason is not None:
        raise reason


def check_party(action: str, assignment: Assignment, user: User) -> None:
    """Only the who-part of `action` (a view deciding whether to show its form: 403). The
    state is the service's to refuse, with the user's input kept."""
    reason = refusal(action, assignment, user)
    if isinstance(reason, PermissionDenied):
        raise reason


def can_edit_brief(assignment: Assignment, user: User) -> bool:
    return can("edit_brief", assignment, user)


def can_shortlist(assignment: Assignment, user: User) -> bool:
    return can("shortlist", assignment, user)


def can_vet(assignment: Assignment, user: User) -> bool:
    return can("vet", assignment, user)


def can_present(assignment: Assignment, user: User) -> bool:
    return can("present", assignment, user)


def can_negotiate(assignment: Assignment, user: User) -> bool:
    return can("negotiate", assignment, user)


def can_choose(assignment: Assignment, user: User) -> bool:
    """The client picks one of the presented candidates (the `select_manager` transition)."""
    return assignment.state == State.SELECTION and is_client_contact(assignment, user)


def can_write_audit(assignment: Assignment, user: User) -> bool:
    return can("write_audit", assignment, user)


def can_review_audit(assignment: Assignment, user: User) -> bool:
    return can("review_audit", assignment, user)


def can_draft_plan(assignment: Assignment, user: User) -> bool:
    return can("draft_plan", assignment, user)


def can_confirm_plan(assignment: Assignment, user: User) -> bool:
    return can("confirm_plan", assignment, user)


def can_mark_delivered(assignment: Assignment, user: User) -> bool:
    return can("mark_delivered", assignment, user)


def can_schedule_meeting(assignment: Assignment, user: User) -> bool:
    return can("schedule_meeting", assignment, user)


def can_record_meeting(assignment: Assignment, user: User) -> bool:
    return can("record_meeting", assignment, user)


def can_mark_meeting_missed(assignment: Assignment, user: User) -> bool:
    return can("mark_meeting_missed", assignment, user)


def can_use_channel(assignment: Assignment, user: User) -> bool:
    """Write a note in the private thread between the director and the manager."""
    return can("use_channel", assignment, user)


def flag_refusal(assignment: Assignment, user: User, kind: str) -> Exception | None:
    """Why `user` may not resolve a flag of `kind` here. A manager never closes the
    director's warning about their own strain or the client's commitments."""
    reason = refusal("resolve_flag", assignment, user)
    manager_only = reason is None and not is_director_side(assignment, user)
    if manager_only and kind not in MANAGER_RESOLVABLE_FLAGS:
        label = str(FlagKind(kind).label)
        return PermissionDenied(
            _("Only the assignment director may resolve a “%(flag)s” flag.") % {"flag": label}
        )
    return reason


def can_resolve_flag(assignment: Assignment, user: User, kind: str) -> bool:
    return flag_refusal(assignment, user, kind) is None


# --- What someone may see -------------------------------------------------------------------


def can_see_flags(assignment: Assignment, user: User) -> bool:
    """Flags are the provider's early warnings: never the client's reading."""
    return is_provider_side(assignment, user)


def can_see_manager_strain(assignment: Assignment, user: User) -> bool:
    return is_provider_side(assignment, user)


def can_see_channel(assignment: Assignment, user: User) -> bool:
    """The private thread between the firm's director and the selected manager: never the
    client's, and still readable once the assignment is closed."""
    return is_provider_side(assignment, user)


def can_see_opportunities(assignment: Assignment, user: User) -> bool:
    """New business for the firm, recorded at meetings: provider-only."""
    return is_provider_side(assignment, user)


def can_see_leads(assignment: Assignment, user: User) -> bool:
    """The leads its meetings started in the firm's pipeline: the firm's directors (on
    this assignment) and admins, never the manager."""
    return is_director_side(assignment, user)


def can_see_internal_vetting(assignment: Assignment, user: User) -> bool:
    """Vetting checklist, oversell notes, internal notes and the negotiation rounds."""
    return is_director_side(assignment, user)


def can_see_unaccepted_audit(assignment: Assignment, user: User) -> bool:
    """Audit reports submitted or returned, and their drift, before the director accepts
    one. The client sees the audit once it is accepted (presented with the plan)."""
    return is_provider_side(assignment, user)


def audit_accepted(assignment: Assignment) -> bool:
    return any(r.status == "accepted" for r in assignment.audit_reports.all())


def can_see_drift(assignment: Assignment, user: User) -> bool:
    """The assignment's gap drift and its history: the client's from the accepted audit on."""
    return can_see_unaccepted_audit(assignment, user) or audit_accepted(assignment)


def visible_report_statuses(assignment: Assignment, user: User) -> tuple[str, ...]:
    if can_see_unaccepted_audit(assignment, user):
        return ("submitted", "accepted", "returned")
    return ("accepted",)


def can_see_gap_suggestions(assignment: Assignment, user: User, report: Any) -> bool:
    """The second opinion on a report's gap levels: the provider's reading of its own
    audit, never the client's (not even once accepted). The author sees it on their draft;
    the director and admins once they may see the report itself."""
    if is_client_contact(assignment, user) or not can_see_unaccepted_audit(assignment, user):
        return False
    if report.is_editable:
        return report.author_id == user.pk
    return report.status in visible_report_statuses(assignment, user)


def abilities(assignment: Assignment, user: User) -> dict[str, bool]:
    """Every yes/no the assignment page needs, so that templates never compare states."""
    return {
        **{action: can(action, assignment, user) for action in RULES},
        "choose": can_choose(assignment, user),
        "see_flags": can_see_flags(assignment, user),
        "see_manager_strain": can_see_manager_strain(assignment, user),
        "see_opportunities": can_see_opportunities(assignment, user),
        "see_leads": can_see_leads(assignment, user),
        "see_channel": can_see_channel(assignment, user),
        "see_internal_vetting": can_see_internal_vetting(assignment, user),
        "see_unaccepted_audit": can_see_unaccepted_audit(assignment, user),
        "see_drift": can_see_drift(assignment, user),
    }


# --- Transitions: what the model declares, read through django-fsm's public API ------------


@dataclass(frozen=True)
class TransitionOption:
    """A transition the user may perform from the current state, and what still blocks it."""

    name: str
    label: str
    blockers: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.blockers


def _declared(assignment: Assignment) -> list[Any]:
    """Every (transition, source) the model declares, in the order of the class body."""
    model = type(assignment)
    order = list(vars(model))
    found = model._meta.get_field("state").get_all_transitions(model)
    return sorted(found, key=lambda t: order.index(t.name))


def transition_names(assignment: Assignment) -> list[str]:
    return list(dict.fromkeys(t.name for t in _declared(assignment)))


def transition_meta(assignment: Assignment, name: str) -> dict[str, str]:
    """The transition's label, who performs it and the sentence refusing anyone else."""
    for t in _declared(assignment):
        if t.name == name:
            return t.custom
    raise KeyError(name)


def _from_here(assignment: Assignment, name: str) -> Any:
    for t in _declared(assignment):
        if t.name == name and t.source in (assignment.state, "*", "+"):
            return t
    return None


def transition_blockers(assignment: Assignment, name: str) -> list[str]:
    """The sentences saying why transition `name` cannot run now ([] when it can)."""
    here = _from_here(assignment, name)
    if here is None:
        label = transition_meta(assignment, name)["label"]
        return [
            _("“%(transition)s” is not possible while the assignment is in “%(state)s”.")
            % {"transition": label, "state": _state_label(assignment)}
        ]
    return [message for condition in here.conditions if (message := condition.guard(assignment))]


def transition_refusal(assignment: Assignment, name: str, user: User) -> Exception | None:
    """PermissionDenied when `user` may not perform `name` from here; Refused when a guard
    is not met or the transition does not leave this state; None when it can run."""
    here = _from_here(assignment, name)
    if here is not None and not here.has_perm(assignment, user):
        return PermissionDenied(here.custom["refused"])
    blockers = transition_blockers(assignment, name)
    return Refused(" ".join(blockers)) if blockers else None


def may_perform(assignment: Assignment, name: str, user: User) -> bool:
    """Whether `name` leaves the current state and `user` is one who may perform it."""
    here = _from_here(assignment, name)
    return here is not None and here.has_perm(assignment, user)


def transition_options(assignment: Assignment, user: User) -> list[TransitionOption]:
    """The transitions `user` may perform from the current state, each with its blockers:
    the page's buttons, the transition view and the admin's buttons."""
    return [
        TransitionOption(
            name=name,
            label=transition_meta(assignment, name)["label"],
            blockers=tuple(transition_blockers(assignment, name)),
        )
        for name in transition_names(assignment)
        if may_perform(assignment, name, user)
    ]


# --- The close-out: each party gives its own part, and sees only what is theirs to see ------


class CloseoutPart:
    """The three parts of a close-out, named by who gives them."""

    REVIEW = "review"  # the director's review
    CLIENT = "client_evaluation"  # the client's evaluation of the manager
    MANAGER = "manager_evaluation"  # the manager's evaluation of the conditions

    BY_PARTY = {Party.DIRECTOR: REVIEW, Party.CLIENT: CLIENT, Party.MANAGER: MANAGER}
    LABELS = {
        REVIEW: _lazy("the director's review"),
        CLIENT: _lazy("the client's evaluation of the manager"),
        MANAGER: _lazy("the manager's evaluation of the conditions"),
    }


# A close-out opens when an assignment completes, or is cancelled once its audit was
# accepted (before that there is no outcome to review nor a manager's work to evaluate).
CLOSEOUT_CANCELLED_FROM = (State.ACTION_PLAN, State.IN_PROGRESS, State.REALIGNMENT)


def can_see_closeout(assignment: Assignment, user: User) -> bool:
    """The close-out page: every party of the assignment, each for their own part."""
    return is_party(assignment, user)


def closeout_parts_of(assignment: Assignment, user: User) -> list[str]:
    """The parts `user` gives on this assignment's close-out (an admin gives none: they
    see everything and may tidy up in Django admin)."""
    return [CloseoutPart.BY_PARTY[p] for p in parties_of(assignment, user)]


def can_see_closeout_part(assignment: Assignment, user: User, part: str) -> bool:
    """The provider (director, admin) sees every part; each other party only their own:
    the client's evaluation is never the manager's reading, nor the manager's the
    client's, nor the director's review either's."""
    return is_director_side(assignment, user) or part in closeout_parts_of(assignment, user)


def closeout_refusal(
    assignment: Assignment, user: User, part: str, *, given: bool, window_open: bool
) -> Exception | None:
    """Why `user` may not give `part` now (None when they may): PermissionDenied when it
    is not theirs to give, Refused when it was given already (a submitted part is never
    changed) or the close-out window has ended."""
    if part not in closeout_parts_of(assignment, user):
        return PermissionDenied(
            _("Only the %(party)s may give %(part)s.")
            % {"party": _part_giver(part), "part": _part_label(part)}
        )
    if given:
        return Refused(
            _("%(part)s was given already: it is final.")
            % {"part": _part_label(part).capitalize()}
        )
    if not window_open:
        return Refused(_("The close-out window has ended: no part is taken any more."))
    return None


def _part_label(part: str) -> str:
    return str(CloseoutPart.LABELS[part])


def _part_giver(part: str) -> str:
    party = next(p for p, name in CloseoutPart.BY_PARTY.items() if name == part)
    return str(Party(party).label).lower()


# --- Beyond one assignment: the firm's manager pool and its pipeline ---------------------------
# The provider's own business: its directors (and admins) only. Never a client's, never a
# manager's reading.


def director_firm_id(user: User) -> int | None:
    """The firm `user` is a director of (None if they are not one)."""
    profile = _profile(user, "director_profile")
    return profile.firm_id if profile is not None else None


def can_see_pool(user: User) -> bool:
    """The manager pool and the pipeline of new business: directors and admins."""
    return is_admin(user) or director_firm_id(user) is not None


def can_see_pipeline(user: User) -> bool:
    return can_see_pool(user)


def can_manage_opportunity(user: User, firm_id: int) -> bool:
    """A lead of `firm_id`'s pipeline: that firm's directors, and admins."""
    return is_admin(user) or director_firm_id(user) == firm_id


def can_edit_profile(user: User, pool_firm_ids: set[int]) -> bool:
    """A manager's profile: an admin, or a director of a firm whose pool holds them."""
    return is_admin(user) or director_firm_id(user) in pool_firm_ids


def can_manage_pool(user: User, firm_id: int | None) -> bool:
    """Adding managers to a firm's pool and taking them off it: that firm's directors (an
    admin, who belongs to no firm, keeps pools in Django admin)."""
    return firm_id is not None and director_firm_id(user) == firm_id


class ProfileView:
    """How much of a manager's profile someone sees."""

    FULL = "full"  # the provider: rates, track record (their firm's), everything
    OWN = "own"  # the manager themselves: their profile, never what clients said of them
    CANDIDATE = "candidate"  # a client it was presented to: no track record, no rate range


def profile_view(
    user: User,
    manager_id: int,
    *,
    pool_firm_ids: set[int],
    candidacy_firm_ids: set[int],
    presented_to_client: bool,
) -> str | None:
    """What `user` sees of manager `manager_id`'s profile (None: 404). `pool_firm_ids` are
    the firms whose pool holds them, `candidacy_firm_ids` the firms they were a candidate
    for, `presented_to_client` whether they were presented on an assignment of the user's
    own organisation."""
    if is_admin(user):
        return ProfileView.FULL
    firm_id = director_firm_id(user)
    if firm_id is not None and firm_id in pool_firm_ids | candidacy_firm_ids:
        return ProfileView.FULL
    if user and user.is_authenticated and user.pk == manager_id:
        return ProfileView.OWN
    if presented_to_client:
        return ProfileView.CANDIDATE
    return None

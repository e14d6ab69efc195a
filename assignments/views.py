"""Thin views: parse, authorise through the selectors, call a service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from partners.models import ClientOrganisation, Role, User
from partners.roles import current_role

from . import selectors, services
from .drift import DIMENSIONS
from .forms import (
    TRANSITION_LABELS,
    AssignmentCreateForm,
    AuditReportForm,
    BriefForm,
    CandidacyAddForm,
    CommitmentFormSet,
    DeliveredForm,
    MeetingRecordForm,
    MeetingScheduleForm,
    MilestoneFormSet,
    NegotiationRoundForm,
    PlanForm,
    PresentForm,
    ResolveFlagForm,
    ReturnReportForm,
    TransitionForm,
    VettingForm,
    formset_rows,
)
from .models import (
    FINAL_STATES,
    RUNNING_STATES,
    TRANSITION_NAMES,
    ActionPlan,
    AuditReport,
    Candidacy,
    ClientCommitment,
    Dimension,
    Flag,
    Party,
    ProgressMeeting,
    State,
    is_admin,
    parties_of,
)

ERRORS = (services.Refused, services.AssignmentChanged, ValueError)


def _posted(request):
    """The submitted data for a form, even when a POST carries no field at all."""
    return request.POST if request.method == "POST" else None


def _error_text(exc):
    if isinstance(exc, services.Refused):
        return " ".join(exc.messages)
    return str(exc)


def _attempt(request, call, success):
    """Run a service; show its refusal as a message. Returns True when it went through."""
    try:
        call()
    except ERRORS as exc:
        messages.error(request, _error_text(exc))
        return False
    if success:
        messages.success(request, success)
    return True


def _back(assignment, anchor=""):
    return redirect(reverse("assignments:detail", args=[assignment.pk]) + anchor)


def _form_page(request, assignment, form, *, title, submit, anchor="", extra=None, status=200):
    context = {
        "assignment": assignment,
        "form": form,
        "title": title,
        "submit": submit,
        "cancel_url": reverse("assignments:detail", args=[assignment.pk]) + anchor,
        **(extra or {}),
    }
    return render(request, "assignments/form_page.html", context, status=status)


def _form_view(request, a, form, call, *, success, title, submit, anchor, extra=None):
    """The step pattern: a valid form goes to its service; a refusal comes back as a form
    error with everything the user typed; success redirects to the assignment's section."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ERRORS as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, success)
            return _back(a, anchor)
    return _form_page(request, a, form, title=title, submit=submit, anchor=anchor, extra=extra)


# --- Home -----------------------------------------------------------------------------------


@login_required
def home(request):
    """The signed-in user's home: the dashboard of the role they work in now."""
    role = current_role(request)
    if role == Role.MANAGER:
        context = selectors.manager_home(request.user)
        return render(request, "home/manager.html", context)
    if role == Role.CLIENT:
        context = selectors.client_home(request.user)
        return render(request, "home/client.html", context)
    if role in (Role.DIRECTOR, Role.ADMIN):
        context = selectors.director_dashboard(request.user)
        context["pipeline_chart"] = {
            "labels": [str(label) for _, label, _ in context["pipeline"]],
            "counts": [n for _, _, n in context["pipeline"]],
        }
        return render(request, "home/director.html", context)
    return render(request, "home/none.html")


# --- List -----------------------------------------------------------------------------------

SORTS = {
    "newest": "-created_at",
    "oldest": "created_at",
    "title": "title",
    "client": "client__name",
    "state": selectors.lifecycle_order(),
    "drift": "-gap_drift",
}


@login_required
def assignment_list(request):
    user = request.user
    params = request.GET
    state = params.get("state") if params.get("state") in State.values else None
    flag = params.get("flag") if params.get("flag") in Flag.Kind.values else None

    def int_param(name):
        value = params.get(name, "")
        return int(value) if value.isdigit() else None

    qs = selectors.assignment_list(
        user,
        state=state,
        client=int_param("client"),
        manager=int_param("manager"),
        director=int_param("director"),
        flag=flag,
    )
    q = params.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(client__name__icontains=q)
            | Q(interim_manager__full_name__icontains=q)
            | Q(director__full_name__icontains=q)
        )
    sort = params.get("sort") if params.get("sort") in SORTS else "newest"
    qs = qs.order_by(SORTS[sort], "-id")
    page = Paginator(qs, 25).get_page(params.get("page"))
    visible = selectors.assignments_for_user(user)
    clients = ClientOrganisation.objects.filter(pk__in=visible.values("client_id"))
    managers = User.objects.filter(pk__in=visible.values("interim_manager_id"))
    directors = User.objects.filter(pk__in=visible.values("director_id"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "assignments/list.html",
        {
            "page": page,
            "states": State.choices,
            "flag_kinds": Flag.Kind.choices,
            "clients": clients,
            "managers": managers,
            "directors": directors,
            "sorts": list(SORTS),
            "current": {
                "state": state or "",
                "flag": flag or "",
                "client": int_param("client"),
                "manager": int_param("manager"),
                "director": int_param("director"),
                "q": q,
                "sort": sort,
            },
            "query": query.urlencode(),
            "can_create": hasattr(user, "director_profile"),
            # Flags are the provider's early warnings, not the client's reading.
            "show_flags": user.is_staff
            or hasattr(user, "director_profile")
            or hasattr(user, "manager_profile"),
        },
    )


@login_required
def assignment_create(request):
    profile = getattr(request.user, "director_profile", None)
    if profile is None:
        raise PermissionDenied("Only an assignment director may record a new assignment.")
    contacts = User.objects.filter(client_profile__isnull=False).select_related(
        "client_profile__organisation"
    )
    form = AssignmentCreateForm(_posted(request), contacts=contacts)
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["client_contact"]
        try:
            assignment = services.assignment_create(
                user=request.user,
                firm=profile.firm,
                client=contact.client_profile.organisation,
                client_contact=contact,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                cadence=form.cleaned_data["review_cadence_days"],
            )
        except services.Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Assignment recorded: now write the brief.")
            return redirect("assignments:brief", pk=assignment.pk)
    return render(
        request,
        "assignments/create.html",
        {"form": form, "title": "New assignment", "submit": "Record the request"},
    )


# --- The assignment page ------------------------------------------------------------------


@login_required
def assignment_detail(request, pk):
    user = request.user
    a = selectors.assignment_page(user, pk)
    if a.access == selectors.SUMMARY:
        own = [c for c in a.candidacies.all() if c.manager_id == user.pk]
        return render(request, "assignments/summary.html", {"assignment": a, "candidacy": own[0]})
    parties = parties_of(a, user)
    admin = is_admin(user)
    director = admin or Party.DIRECTOR in parties
    # The provider's side (director, manager, admin) works with the audit before it is
    # accepted, with flags and with the manager's strain; the client sees the audit once
    # the director has accepted it (it is presented with the action plan).
    provider_side = director or Party.MANAGER in parties
    brief = {i.dimension: i.statement for i in a.brief_items.all()}
    reports = list(a.audit_reports.all())
    shown = (
        [AuditReport.Status.SUBMITTED, AuditReport.Status.ACCEPTED, AuditReport.Status.RETURNED]
        if provider_side
        else [AuditReport.Status.ACCEPTED]
    )
    shown_report = next((r for r in reversed(reports) if r.status in shown), None)
    draft_report = next((r for r in reports if r.status == AuditReport.Status.DRAFT), None)
    comparison = []
    found = {f.dimension: f for f in shown_report.findings.all()} if shown_report else {}
    for value, label in Dimension.choices:
        finding = found.get(value)
        comparison.append(
            {
                "dimension": value,
                "label": label,
                "announced": brief.get(value, ""),
                "found": finding.finding if finding else "",
                "level": finding.gap_level if finding else None,
            }
        )
    plans = list(a.action_plans.all())
    plan = plans[-1] if plans else None
    meetings = list(a.meetings.all())
    held = [m for m in meetings if m.status == ProgressMeeting.Status.HELD]
    flags = list(a.flags.all())
    transitions = []
    for name in TRANSITION_NAMES:
        if services.transition_allowed_for(a, name, user):
            transitions.append(
                {
                    "name": name,
                    "label": TRANSITION_LABELS[name],
                    "blockers": services.transition_blockers(a, name),
                    "form": TransitionForm(assignment=a, name=name, auto_id=f"id_{name}_%s"),
                }
            )
    charts = {
        "dimensions": [label for _, label in Dimension.choices],
        "audit": [row["level"] for row in comparison],
        "meetings": [
            {
                "date": m.held_on.isoformat(),
                "levels": [m.levels.get(d) for d in DIMENSIONS],
                "drift": m.drift_score,
            }
            for m in held
        ],
        "drift": [
            {"date": r.recorded_at.date().isoformat(), "score": r.score}
            for r in sorted(a.drift_readings.all(), key=lambda r: r.recorded_at)
        ],
    }
    history = sorted(
        [("transition", r.at, r) for r in a.history.all()]
        + [("flag", f.resolved_at, f) for f in flags if f.resolved_at and provider_side],
        key=lambda row: row[1],
    )
    today = timezone.localdate()
    context = {
        "assignment": a,
        "parties": parties,
        "is_director": director,
        "is_manager": admin or Party.MANAGER in parties,
        "is_client": Party.CLIENT in parties,
        "provider_side": provider_side,
        "show_drift": provider_side or a.state not in (State.BRIEF, State.SELECTION, State.AUDIT),
        "is_admin": admin,
        "brief": comparison,
        "brief_editable": director and a.state in (State.BRIEF, State.SELECTION),
        "candidacies": selectors.candidacies_visible_to(user, a),
        "show_internal": director,
        "reports": reports,
        "shown_report": shown_report,
        "draft_report": draft_report,
        "comparison": comparison,
        "plan": plan,
        "plans": plans,
        "plan_missing": [Party(p).label for p in plan.missing_parties] if plan else [],
        "my_parties_to_confirm": [
            p for p in parties if plan and plan.is_editable and p in plan.missing_parties
        ],
        "meetings": meetings,
        "next_meeting": next(
            (m for m in meetings if m.status == ProgressMeeting.Status.SCHEDULED), None
        ),
        "flags": flags,
        "open_flags": [f for f in flags if f.is_open],
        "transitions": transitions,
        "charts": charts,
        "history": history,
        "today": today,
        "running": a.state in RUNNING_STATES,
        "final": a.state in FINAL_STATES,
    }
    return render(request, "assignments/detail.html", context)


# --- Transitions --------------------------------------------------------------------------


@login_required
def transition(request, pk, name):
    """GET shows the transition's form; POST performs it (DESIGN.md's stable address)."""
    a = selectors.get_assignment_for_user(request.user, pk)
    if name not in services.TRANSITION_SERVICES:
        return render(
            request,
            "errors/generic.html",
            {"status": 404, "message": f"There is no transition called “{name}”."},
            status=404,
        )
    if not services.transition_allowed_for(a, name, request.user):
        meta = getattr(a, name)._django_fsm
        if meta.has_transition(a.state):
            raise PermissionDenied(services.TRANSITION_PERMISSION_MESSAGES[name])
    form = TransitionForm(_posted(request), assignment=a, name=name)
    status = 200
    if request.method == "POST":
        seen = request.POST.get("seen_state")
        if seen and seen != a.state:
            messages.error(request, services.AssignmentChanged.message)
            return _back(a)
        if form.is_valid():
            call = services.TRANSITION_SERVICES[name]
            if _attempt(
                request,
                lambda: call(assignment=a, user=request.user, **form.service_kwargs()),
                None,
            ):
                messages.success(
                    request,
                    f"{TRANSITION_LABELS[name]}: done. The assignment is now "
                    f"“{a.get_state_display()}”.",
                )
                return _back(a)
            status = 409
        else:
            status = 400
    return render(
        request,
        "assignments/transition.html",
        {
            "assignment": a,
            "form": form,
            "name": name,
            "label": TRANSITION_LABELS[name],
            "blockers": services.transition_blockers(a, name),
        },
        status=status,
    )


# --- Brief ----------------------------------------------------------------------------------


@login_required
def brief_edit(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_director(a, request.user)
    form = BriefForm(_posted(request), assignment=a)
    return _form_view(
        request,
        a,
        form,
        lambda data: services.brief_update(
            assignment=a,
            user=request.user,
            statements=form.statements(),
            summary=data["summary"],
        ),
        success="Brief saved.",
        title="The client's brief",
        submit="Save the brief",
        anchor="#brief",
    )


# --- Selection ------------------------------------------------------------------------------


def _candidacy(a, cid):
    return selectors.get_child_or_404(
        Candidacy.objects.select_related("manager", "assignment"), pk=cid, assignment=a
    )


@login_required
def candidacy_add(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_director(a, request.user)
    pool = (
        User.objects.filter(manager_profile__firms=a.firm_id)
        .exclude(candidacies__assignment=a)
        .select_related("manager_profile")
        .order_by("full_name")
    )
    form = CandidacyAddForm(_posted(request), pool=pool)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.candidacy_add(
                assignment=a, user=request.user, manager=form.cleaned_data["manager"]
            )
        except ERRORS as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"{c.manager} shortlisted: now vet the candidacy.")
            return redirect("assignments:candidacy_vet", pk=a.pk, cid=c.pk)
    return _form_page(
        request, a, form, title="Shortlist a manager", submit="Shortlist", anchor="#selection"
    )


@login_required
def candidacy_vet(request, pk, cid):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_director(a, request.user)
    c = _candidacy(a, cid)
    form = VettingForm(_posted(request), instance=c)
    return _form_view(
        request,
        a,
        form,
        lambda data: services.candidacy_vet(
            candidacy=Candidacy.objects.get(pk=c.pk),
            user=request.user,
            **{k: data[k] for k in Candidacy.VETTING_EDITABLE},
        ),
        success=f"Vetting of {c.manager} saved.",
        title=f"Vet {c.manager}",
        submit="Save the vetting",
        anchor="#selection",
        extra={"candidacy": c},
    )


@login_required
def candidacy_present(request, pk, cid):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_director(a, request.user)
    c = _candidacy(a, cid)
    return _form_view(
        request,
        a,
        PresentForm(_posted(request)),
        lambda data: services.candidacy_present(
            candidacy=c, user=request.user, justification=data["justification"]
        ),
        success=f"{c.manager} presented to the client.",
        title=f"Present {c.manager} to the client",
        submit="Present",
        anchor="#selection",
        extra={"candidacy": c},
    )


@login_required
def negotiation_round(request, pk, cid):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_director(a, request.user)
    c = _candidacy(a, cid)
    return _form_view(
        request,
        a,
        NegotiationRoundForm(_posted(request)),
        lambda data: services.negotiation_round_record(candidacy=c, user=request.user, **data),
        success="Negotiation round recorded.",
        title=f"Day-rate negotiation with {c.manager}",
        submit="Record the offer",
        anchor="#selection",
        extra={"candidacy": c, "rounds": c.rounds.all()},
    )


# --- Audit ----------------------------------------------------------------------------------


@login_required
@require_POST
def audit_report_start(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_party(a, request.user, [Party.MANAGER], "write the audit report")
    holder = {}

    def call():
        holder["report"] = services.audit_report_start(assignment=a, user=request.user)

    if _attempt(request, call, None):
        return redirect("assignments:audit_edit", pk=a.pk, rid=holder["report"].pk)
    return _back(a, "#audit")


def _report(a, rid):
    return selectors.get_child_or_404(
        AuditReport.objects.prefetch_related("findings"), pk=rid, assignment=a
    )


@login_required
def audit_report_edit(request, pk, rid):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_party(a, request.user, [Party.MANAGER], "write the audit report")
    report = _report(a, rid)
    if not report.is_editable:
        messages.error(
            request, f"Audit report v{report.version} is submitted and can no longer be edited."
        )
        return _back(a, "#audit")
    brief = {i.dimension: i.statement for i in a.brief_items.all()}
    form = AuditReportForm(_posted(request), report=report, brief=brief)
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_report_update(
                report=report,
                user=request.user,
                summary=form.cleaned_data["summary"],
                findings=form.findings(),
            )
            if "submit" in request.POST:
                services.audit_report_submit(report=report, user=request.user)
        except ERRORS as exc:
            form.add_error(None, _error_text(exc))
        else:
            if "submit" in request.POST:
                messages.success(
                    request, "Audit report submitted: the director reviews it and its gap drift."
                )
            else:
                messages.success(request, "Draft saved.")
            return _back(a, "#audit")
    return render(
        request,
        "assignments/audit_form.html",
        {"assignment": a, "form": form, "report": report},
    )


@login_required
@require_POST
def audit_report_return(request, pk, rid):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_director(a, request.user)
    report = _report(a, rid)
    form = ReturnReportForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.audit_report_return(
                report=report, user=request.user, comment=form.cleaned_data["comment"]
            ),
            "Audit report returned to the manager for revision.",
        )
        return _back(a, "#audit")
    return _form_page(
        request,
        a,
        form,
        title=f"Return audit report v{report.version}",
        submit="Return for revision",
        anchor="#audit",
        status=400,
    )


# --- Action plan ----------------------------------------------------------------------------


@login_required
@require_POST
def action_plan_new(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_party(
        a, request.user, [Party.DIRECTOR, Party.MANAGER], "draft the action plan"
    )
    holder = {}

    def call():
        holder["plan"] = services.action_plan_draft(assignment=a, user=request.user)

    if _attempt(request, call, None):
        return redirect("assignments:plan_edit", pk=a.pk, plan_id=holder["plan"].pk)
    return _back(a, "#plan")


def _plan(a, plan_id):
    return selectors.get_child_or_404(
        ActionPlan.objects.prefetch_related("milestones", "commitments"), pk=plan_id, assignment=a
    )


@login_required
def action_plan_edit(request, pk, plan_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_party(a, request.user, [Party.DIRECTOR, Party.MANAGER], "edit the plan")
    plan = _plan(a, plan_id)
    if not plan.is_editable:
        messages.error(request, f"Action plan v{plan.version} is confirmed: draft a revision.")
        return _back(a, "#plan")
    if request.method == "POST":
        form = PlanForm(request.POST)
        milestones = MilestoneFormSet(request.POST, prefix="milestones")
        commitments = CommitmentFormSet(request.POST, prefix="commitments")
    else:
        form = PlanForm(initial={"summary": plan.summary})
        milestones = MilestoneFormSet(
            prefix="milestones",
            initial=[
                {"title": m.title, "owner": m.owner, "due_date": m.due_date, "status": m.status}
                for m in plan.milestones.all()
            ],
        )
        commitments = CommitmentFormSet(
            prefix="commitments",
            initial=[
                {"kind": c.kind, "description": c.description, "due_date": c.due_date}
                for c in plan.commitments.all()
                if not c.delivered
            ],
        )
    valid = request.method == "POST" and all(
        [form.is_valid(), milestones.is_valid(), commitments.is_valid()]
    )
    if valid:
        try:
            services.action_plan_update(
                plan=plan,
                user=request.user,
                summary=form.cleaned_data["summary"],
                milestones=formset_rows(milestones),
                commitments=formset_rows(commitments),
            )
        except ERRORS as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request, f"Action plan v{plan.version} saved: each party can now confirm it."
            )
            return _back(a, "#plan")
    return render(
        request,
        "assignments/plan_form.html",
        {
            "assignment": a,
            "plan": plan,
            "form": form,
            "milestones": milestones,
            "commitments": commitments,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def action_plan_confirm(request, pk, plan_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    plan = _plan(a, plan_id)
    _attempt(
        request,
        lambda: services.action_plan_confirm(plan=plan, user=request.user),
        f"You confirmed action plan v{plan.version}.",
    )
    return _back(a, "#plan")


@login_required
@require_POST
def commitment_delivered(request, pk, commitment_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    commitment = selectors.get_child_or_404(
        ClientCommitment.objects.select_related("plan__assignment"),
        pk=commitment_id,
        plan__assignment=a,
    )
    form = DeliveredForm(request.POST)
    ok = form.is_valid() and _attempt(
        request,
        lambda: services.commitment_mark_delivered(
            commitment=commitment,
            user=request.user,
            delivered_on=form.cleaned_data["delivered_on"],
        ),
        None if request.htmx else f"“{commitment}” marked delivered.",
    )
    if request.htmx:
        commitment.refresh_from_db()
        return render(
            request,
            "assignments/_commitment_row.html",
            {"c": commitment, "assignment": a, "can_mark": not ok, "today": timezone.localdate()},
        )
    if not form.is_valid():
        messages.error(request, "Give a valid delivery date.")
    return _back(a, "#plan")


# --- Progress meetings ----------------------------------------------------------------------


@login_required
def meeting_schedule(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_director(a, request.user)
    return _form_view(
        request,
        a,
        MeetingScheduleForm(_posted(request)),
        lambda data: services.meeting_schedule(
            assignment=a, user=request.user, scheduled_for=data["scheduled_for"]
        ),
        success="Progress meeting scheduled.",
        title="Schedule the next progress meeting",
        submit="Schedule",
        anchor="#meetings",
    )


def _meeting(a, mid):
    return selectors.get_child_or_404(
        ProgressMeeting.objects.select_related("assignment"), pk=mid, assignment=a
    )


@login_required
def meeting_record(request, pk, mid):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_party(a, request.user, [Party.DIRECTOR, Party.MANAGER], "record a meeting")
    meeting = _meeting(a, mid)
    form = MeetingRecordForm(
        _posted(request), initial={"held_on": min(meeting.scheduled_for, timezone.localdate())}
    )
    return _form_view(
        request,
        a,
        form,
        lambda data: services.meeting_record(
            meeting=meeting,
            user=request.user,
            held_on=data["held_on"],
            ratings=form.ratings(),
            **form.meeting_fields(),
        ),
        success="Progress meeting recorded; the next one is scheduled.",
        title=f"Record the progress meeting of {meeting.scheduled_for:%d %b %Y}",
        submit="Record the meeting",
        anchor="#meetings",
    )


@login_required
@require_POST
def meeting_missed(request, pk, mid):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_director(a, request.user)
    meeting = _meeting(a, mid)
    _attempt(
        request,
        lambda: services.meeting_mark_missed(meeting=meeting, user=request.user),
        "Meeting marked missed; the next one is scheduled.",
    )
    return _back(a, "#meetings")


# --- Flags ----------------------------------------------------------------------------------


@login_required
def flag_resolve(request, pk, flag_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    services.require_party(a, request.user, [Party.DIRECTOR, Party.MANAGER], "resolve a flag")
    flag = selectors.get_child_or_404(Flag.objects.all(), pk=flag_id, assignment=a)
    return _form_view(
        request,
        a,
        ResolveFlagForm(_posted(request)),
        lambda data: services.flag_resolve(flag=flag, user=request.user, comment=data["comment"]),
        success=f"Flag “{flag.get_kind_display()}” resolved.",
        title=f"Resolve the flag “{flag.get_kind_display()}”",
        submit="Resolve",
        anchor="#flags",
        extra={"flag": flag},
    )


# --- Notifications --------------------------------------------------------------------------


@login_required
def notification_list(request):
    qs = selectors.notifications_for(request.user).order_by("-created_at", "-id")
    if request.GET.get("unread"):
        qs = qs.filter(read_at=None)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, nid):
    notification = selectors.get_child_or_404(selectors.notifications_for(request.user), pk=nid)
    services.notification_mark_read(notification=notification, user=request.user)
    if request.htmx:
        return render(request, "notifications/_row.html", {"n": notification})
    if request.POST.get("follow") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    n = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"{n} notification(s) marked as read.")
    return redirect("notifications:list")

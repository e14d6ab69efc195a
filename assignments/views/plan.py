"""The action plan: drafted and edited by the provider's side, confirmed by each party;
the client's commitments marked delivered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, selectors, services
from ..exceptions import message_of
from ..forms import CommitmentFormSet, DeliveredForm, MilestoneFormSet, PlanForm, formset_rows
from ..models import ActionPlan, ClientCommitment
from ..services.plan import plan_known_due_dates
from .common import ERRORS, _attempt, _back


def _plan(a, plan_id):
    return selectors.get_child_or_404(
        ActionPlan.objects.prefetch_related("milestones", "commitments"), pk=plan_id, assignment=a
    )


@login_required
@require_POST
def action_plan_new(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("draft_plan", a, request.user)
    drafted = {}

    def call():
        drafted["plan"] = services.action_plan_draft(assignment=a, user=request.user)

    if _attempt(request, call, None):
        return redirect("assignments:plan_edit", pk=a.pk, plan_id=drafted["plan"].pk)
    return _back(a, "#plan")


def _plan_forms(request, plan):
    """The plan's summary and its milestone and commitment rows: as posted, or as saved
    (a delivered commitment is kept by the service, not offered for editing). Each row
    knows the due dates the draft already holds: those may be past, new ones may not."""
    known = plan_known_due_dates(plan)
    milestone_kwargs = {"known_dates": known["milestones"]}
    commitment_kwargs = {"known_dates": known["commitments"]}
    if request.method == "POST":
        return (
            PlanForm(request.POST),
            MilestoneFormSet(request.POST, prefix="milestones", form_kwargs=milestone_kwargs),
            CommitmentFormSet(request.POST, prefix="commitments", form_kwargs=commitment_kwargs),
        )
    return (
        PlanForm(initial={"summary": plan.summary}),
        MilestoneFormSet(
            prefix="milestones",
            form_kwargs=milestone_kwargs,
            initial=[
                {"title": m.title, "owner": m.owner, "due_date": m.due_date, "status": m.status}
                for m in plan.milestones.all()
            ],
        ),
        CommitmentFormSet(
            prefix="commitments",
            form_kwargs=commitment_kwargs,
            initial=[
                {"kind": c.kind, "description": c.description, "due_date": c.due_date}
                for c in plan.commitments.all()
                if not c.delivered
            ],
        ),
    )


@login_required
def action_plan_edit(request, pk, plan_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("draft_plan", a, request.user)
    plan = _plan(a, plan_id)
    if not plan.is_editable:
        messages.error(
            request,
            _("Action plan v%(version)s is confirmed: draft a revision.")
            % {"version": plan.version},
        )
        return _back(a, "#plan")
    form, milestones, commitments = _plan_forms(request, plan)
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
            form.add_error(None, message_of(exc))
        else:
            messages.success(
                request,
                _("Action plan v%(version)s saved: each party can now confirm it.")
                % {"version": plan.version},
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
        _("You confirmed action plan v%(version)s.") % {"version": plan.version},
    )
    return _back(a, "#plan")


@login_required
@require_POST
def commitment_delivered(request, pk, commitment_id):
    """Marked delivered by any party; with htmx, only the commitment's row comes back."""
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
        None
        if request.htmx
        else _("“%(commitment)s” marked delivered.") % {"commitment": commitment},
    )
    if request.htmx:
        commitment.refresh_from_db()
        return render(
            request,
            "assignments/_commitment_row.html",
            {"c": commitment, "assignment": a, "can_mark": not ok, "today": timezone.localdate()},
        )
    if not form.is_valid():
        messages.error(request, _("Give a valid delivery date."))
    return _back(a, "#plan")

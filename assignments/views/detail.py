"""The assignment page, and the transitions of its lifecycle (DESIGN.md's stable address)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import access, selectors, services
from ..exceptions import AssignmentChanged, message_of
from ..forms import TransitionForm
from .common import ERRORS, _back, _posted


@login_required
def assignment_detail(request, pk):
    page = selectors.assignment_page_context(request.user, pk)
    a = page.context["assignment"]
    if "transitions" in page.context:
        page.context["transitions"] = [
            {
                "name": t.name,
                "label": t.label,
                "blockers": t.blockers,
                "ready": t.ready,
                "form": TransitionForm(assignment=a, name=t.name, auto_id=f"id_{t.name}_%s"),
            }
            for t in page.context["transitions"]
        ]
    return render(request, page.template, page.context)


@login_required
def transition(request, pk, name):
    """GET shows the transition's form; POST performs it."""
    a = selectors.get_assignment_for_user(request.user, pk)
    if name not in services.TRANSITION_SERVICES:
        return render(
            request,
            "errors/generic.html",
            {
                "status": 404,
                "message": _("There is no transition called “%(name)s”.") % {"name": name},
            },
            status=404,
        )
    refusal = access.transition_refusal(a, name, request.user)
    if isinstance(refusal, PermissionDenied):
        raise refusal
    label = access.transition_meta(a, name)["label"]
    form = TransitionForm(_posted(request), assignment=a, name=name)
    status = 200
    refused = ""
    if request.method == "POST":
        seen = request.POST.get("seen_state")
        if seen and seen != a.state:
            messages.error(request, AssignmentChanged.message)
            return _back(a)
        if form.is_valid():
            call = services.TRANSITION_SERVICES[name]
            try:
                call(assignment=a, user=request.user, **form.service_kwargs())
            except ERRORS as exc:
                # A refusal is a page that says why, with the way back: never a bare form.
                refused = message_of(exc)
                status = 409
            else:
                messages.success(
                    request,
                    _("%(transition)s: done. The assignment is now “%(state)s”.")
                    % {"transition": label, "state": a.get_state_display()},
                )
                return _back(a)
        else:
            status = 400
    return render(
        request,
        "assignments/transition.html",
        {
            "assignment": a,
            "form": form,
            "name": name,
            "label": label,
            "blockers": access.transition_blockers(a, name),
            "refused": refused,
        },
        status=status,
    )

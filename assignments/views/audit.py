"""The situational audit: the manager writes and submits, the director returns or accepts
(accepting is a transition)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import access, selectors, services
from ..exceptions import message_of
from ..forms import AuditReportForm, ReturnReportForm
from ..models import AuditReport, Dimension
from ..selectors.suggestions import dimension_suggestion, report_suggestions
from .common import ERRORS, _attempt, _back, _form_page, _posted


def _report(a, report_id):
    return selectors.get_child_or_404(
        AuditReport.objects.prefetch_related("findings"), pk=report_id, assignment=a
    )


@login_required
@require_POST
def audit_report_start(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("write_audit", a, request.user)
    started = {}

    def call():
        started["report"] = services.audit_report_start(assignment=a, user=request.user)

    if _attempt(request, call, None):
        return redirect("assignments:audit_edit", pk=a.pk, report_id=started["report"].pk)
    return _back(a, "#audit")


@login_required
def audit_report_edit(request, pk, report_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("write_audit", a, request.user)
    report = _report(a, report_id)
    if not report.is_editable:
        messages.error(
            request,
            _("Audit report v%(version)s is submitted and can no longer be edited.")
            % {"version": report.version},
        )
        return _back(a, "#audit")
    # Read once, for the form's help texts and the second opinion.
    prefetch_related_objects([a], "brief_items")
    brief = {i.dimension: i.statement for i in a.brief_items.all()}
    form = AuditReportForm(_posted(request), report=report, brief=brief)
    submit = "submit" in request.POST
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_report_update(
                report=report,
                user=request.user,
                summary=form.cleaned_data["summary"],
                findings=form.findings(),
            )
            if submit:
                services.audit_report_submit(report=report, user=request.user)
        except ERRORS as exc:
            form.add_error(None, message_of(exc))
        else:
            if submit:
                messages.success(
                    request,
                    _("Audit report submitted: the director reviews it and its gap drift."),
                )
                return _back(a, "#audit")
            messages.success(request, _("Draft saved."))
            # Back to the draft, where the second opinion on the saved levels is shown.
            return redirect("assignments:audit_edit", pk=a.pk, report_id=report.pk)
    suggestions = (
        report_suggestions(a, report)
        if access.can_see_gap_suggestions(a, request.user, report)
        else None
    )
    found = suggestions.dimensions if suggestions else {}
    rows = [
        (dimension, finding, level, found.get(dimension))
        for finding, level in form.dimension_fields
        if (dimension := finding.removesuffix("_finding"))
    ]
    return render(
        request,
        "assignments/audit_form.html",
        {
            "assignment": a,
            "form": form,
            "report": report,
            "rows": rows,
            "suggestions": suggestions,
        },
    )


@login_required
@require_GET
def audit_suggestions(request, pk, report_id):
    """The second opinion on a report's gap levels, as JSON: the provider's only (404 for
    the client and for anyone who may not see the report, as for an unknown report)."""
    a = selectors.get_assignment_for_user(request.user, pk)
    report = _report(a, report_id)
    if not access.can_see_gap_suggestions(a, request.user, report):
        raise Http404(_("No such audit report."))
    found = report_suggestions(a, report)
    body = {
        "dimensions": {d: s.as_json() for d, s in found.dimensions.items()},
        "available": found.available,
    }
    if not found.available:
        body["detail"] = _("The second opinion is unavailable on this installation.")
    return JsonResponse(body)


@login_required
@require_POST
def audit_report_return(request, pk, report_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("review_audit", a, request.user)
    report = _report(a, report_id)
    form = ReturnReportForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.audit_report_return(
                report=report, user=request.user, comment=form.cleaned_data["comment"]
            ),
            _("Audit report returned to the manager for revision."),
        )
        return _back(a, "#audit")
    return _form_page(
        request,
        a,
        form,
        title=_("Return audit report v%(version)s") % {"version": report.version},
        submit=_("Return for revision"),
        anchor="#audit",
        status=400,
    )


@login_required
@require_GET
def audit_suggestion_hint(request, pk, report_id):
    """The second opinion on one dimension as its finding or level changes on the draft
    (htmx): the hint when the typed level is two or more away, else nothing."""
    a = selectors.get_assignment_for_user(request.user, pk)
    report = _report(a, report_id)
    if not access.can_see_gap_suggestions(a, request.user, report):
        raise Http404(_("No such audit report."))
    dimension = request.GET.get("dimension", "")
    if dimension not in Dimension.values:
        return HttpResponseBadRequest(_("Say which dimension to give a second opinion on."))
    level = request.GET.get(f"{dimension}_level", "")
    chosen = int(level) if level in {"0", "1", "2", "3"} else None
    finding = request.GET.get(f"{dimension}_finding", "")[:10000]
    suggestion = dimension_suggestion(a, dimension, finding, chosen)
    return render(request, "assignments/_gap_suggestion_slot.html", {"suggestion": suggestion})

"""The situational audit: the manager writes and submits, the director returns or accepts
(accepting is a transition)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, selectors, services
from ..exceptions import message_of
from ..forms import AuditReportForm, ReturnReportForm
from ..models import AuditReport
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
            else:
                messages.success(request, _("Draft saved."))
            return _back(a, "#audit")
    return render(
        request,
        "assignments/audit_form.html",
        {"assignment": a, "form": form, "report": report},
    )


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

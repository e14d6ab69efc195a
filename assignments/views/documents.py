"""The documents: the action plan as confirmed and the close-out report, each as a
print-ready page and as a PDF download, behind the walls of the page it comes from."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from interim.documents import render_pdf

from ..selectors.documents import plan_document, plan_filename

PLAN_TEMPLATE = "documents/plan.html"


def _plan_urls(pk, plan_id):
    return {
        "print_url": reverse("assignments:plan_print", args=[pk, plan_id]),
        "pdf_url": reverse("assignments:plan_pdf", args=[pk, plan_id]),
    }


@login_required
@require_GET
def plan_print(request, pk, plan_id):
    document = plan_document(request.user, pk, plan_id)
    return render(request, PLAN_TEMPLATE, {**document, **_plan_urls(pk, plan_id)})


@login_required
@require_GET
def plan_pdf(request, pk, plan_id):
    document = plan_document(request.user, pk, plan_id)
    urls = _plan_urls(pk, plan_id)
    return render_pdf(
        request,
        PLAN_TEMPLATE,
        {**document, **urls},
        plan_filename(document),
        print_url=urls["print_url"],
    )

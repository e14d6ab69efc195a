"""The documents: the action plan as confirmed and the close-out report, each as a
print-ready page and as a PDF download, behind the walls of the page it comes from."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from interim.documents import render_pdf

from ..selectors.documents import (
    closeout_document,
    closeout_filename,
    plan_document,
    plan_filename,
)

PLAN_TEMPLATE = "documents/plan.html"
CLOSEOUT_TEMPLATE = "documents/closeout.html"


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


def _closeout_urls(pk):
    return {
        "print_url": reverse("assignments:closeout_print", args=[pk]),
        "pdf_url": reverse("assignments:closeout_pdf", args=[pk]),
    }


@login_required
@require_GET
def closeout_print(request, pk):
    document = closeout_document(request.user, pk)
    return render(request, CLOSEOUT_TEMPLATE, {**document, **_closeout_urls(pk)})


@login_required
@require_GET
def closeout_pdf(request, pk):
    document = closeout_document(request.user, pk)
    urls = _closeout_urls(pk)
    return render_pdf(
        request,
        CLOSEOUT_TEMPLATE,
        {**document, **urls},
        closeout_filename(document),
        print_url=urls["print_url"],
    )

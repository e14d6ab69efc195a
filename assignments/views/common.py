"""What the step views share: the submitted data, a service run with its refusal shown,
the way back to the assignment, and the one-form page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from ..exceptions import AssignmentChanged, Refused, message_of

# What a service refuses with: shown to the user, never a 500.
ERRORS = (Refused, AssignmentChanged, ValueError)


def _posted(request):
    """The submitted data for a form, even when a POST carries no field at all."""
    return request.POST if request.method == "POST" else None


def _attempt(request, call, success):
    """Run a service; show its refusal as a message. Returns True when it went through."""
    try:
        call()
    except ERRORS as exc:
        messages.error(request, message_of(exc))
        return False
    if success:
        messages.success(request, success)
    return True


def _detail_url(assignment, anchor=""):
    return reverse("assignments:detail", args=[assignment.pk]) + anchor


def _back(assignment, anchor=""):
    return redirect(_detail_url(assignment, anchor))


def _form_page(request, assignment, form, *, title, submit, anchor="", extra=None, status=200):
    context = {
        "assignment": assignment,
        "form": form,
        "title": title,
        "submit": submit,
        "cancel_url": _detail_url(assignment, anchor),
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
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, success)
            return _back(a, anchor)
    return _form_page(request, a, form, title=title, submit=submit, anchor=anchor, extra=extra)

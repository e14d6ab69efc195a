"""The close-out page: each party reads the parts theirs to read and gives their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import access, selectors, services
from ..access import CloseoutPart
from ..exceptions import message_of
from ..forms_closeout import closeout_form
from ..selectors.closeout import NoCloseout
from .common import ERRORS

THANKS = {
    CloseoutPart.REVIEW: _lazy("Your review is recorded: the close-out keeps it as it is."),
    CloseoutPart.CLIENT: _lazy("Thank you: your evaluation is recorded, for the provider only."),
    CloseoutPart.MANAGER: _lazy("Thank you: your evaluation is recorded, for the provider only."),
}


def _posted_part(request, assignment, mine):
    """The part a POST gives: the one it names, or the user's only one (403 if not theirs)."""
    part = request.POST.get("part") or (mine[0] if len(mine) == 1 else "")
    if part in mine:
        return part
    if part in CloseoutPart.LABELS:
        raise (
            access.closeout_refusal(assignment, request.user, part, given=False, window_open=True)
            or PermissionDenied()
        )
    raise PermissionDenied(_("You give no part of this close-out."))


@login_required
def closeout(request, pk):
    """GET shows the close-out as the user may see it, with the form of their own part
    while it is awaited; POST gives that part."""
    a = selectors.get_assignment_for_user(request.user, pk)
    try:
        context = selectors.closeout_context(a, request.user)
    except NoCloseout as exc:
        return render(
            request,
            "errors/generic.html",
            {"status": 404, "heading": _("No close-out"), "message": str(exc)},
            status=404,
        )
    forms = {}
    status = 200
    if request.method == "POST":
        part = _posted_part(request, a, context["mine"])
        form = closeout_form(part, request.POST, context=context)
        if form.is_valid():
            try:
                services.CLOSEOUT_SUBMIT[part](
                    closeout=context["closeout"], user=request.user, data=form.service_data()
                )
            except ERRORS as exc:
                form.add_error(None, message_of(exc))
                status = 409
            else:
                messages.success(request, str(THANKS[part]))
                return redirect(reverse("assignments:closeout", args=[a.pk]) + f"#{part}")
        else:
            status = 400
        forms[part] = form
    for p in context["parts"]:
        if p["part"] not in forms and p["may_give"]:
            forms[p["part"]] = closeout_form(p["part"], context=context)
        p["form"] = forms.get(p["part"])
    return render(request, "assignments/closeout.html", context, status=status)

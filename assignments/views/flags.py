"""Flags: the provider's early warnings, resolved with a comment."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .. import access, selectors, services
from ..forms import ResolveFlagForm
from ..models import Flag
from .common import _form_view, _posted


@login_required
def flag_resolve(request, pk, flag_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    if not access.can_see_flags(a, request.user):
        # The client has no flags at all: not even a refusal tells them one exists.
        raise Http404(_("No such flag."))
    flag = selectors.get_child_or_404(Flag.objects.all(), pk=flag_id, assignment=a)
    # Who may close it depends on its kind; a closed assignment is the service's to refuse.
    refusal = access.flag_refusal(a, request.user, flag.kind)
    if isinstance(refusal, PermissionDenied):
        raise refusal
    return _form_view(
        request,
        a,
        ResolveFlagForm(_posted(request)),
        lambda data: services.flag_resolve(flag=flag, user=request.user, comment=data["comment"]),
        success=_("Flag “%(flag)s” resolved.") % {"flag": flag.get_kind_display()},
        title=_("Resolve the flag “%(flag)s”") % {"flag": flag.get_kind_display()},
        submit=_("Resolve"),
        anchor="#flags",
        extra={"flag": flag},
    )

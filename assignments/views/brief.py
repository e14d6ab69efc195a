"""The client's brief: what the client announced, per dimension."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from .. import access, selectors, services
from ..forms import BriefForm
from .common import _form_view, _posted


@login_required
def brief_edit(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("edit_brief", a, request.user)
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
        success=_("Brief saved."),
        title=_("The client's brief"),
        submit=_("Save the brief"),
        anchor="#brief",
    )

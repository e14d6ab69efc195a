"""The signed-in user's home: the dashboard of the role they work in now."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from partners.models import Role
from partners.roles import current_role

from .. import selectors


@login_required
def home(request):
    role = current_role(request)
    if role == Role.MANAGER:
        return render(request, "home/manager.html", selectors.manager_home(request.user))
    if role == Role.CLIENT:
        return render(request, "home/client.html", selectors.client_home(request.user))
    if role in (Role.DIRECTOR, Role.ADMIN):
        context = selectors.director_dashboard(request.user)
        context["pipeline_chart"] = {
            "labels": [str(label) for _, label, _ in context["pipeline"]],
            "counts": [n for _, _, n in context["pipeline"]],
        }
        return render(request, "home/director.html", context)
    return render(request, "home/none.html")

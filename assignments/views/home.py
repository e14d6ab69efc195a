"""The signed-in user's home: the dashboard of the role they work in now."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from interim.caching import cached
from partners.models import Role
from partners.roles import current_role

from .. import access, selectors


def director_dashboard_body(user, today):
    """The dashboard's body, rendered: what costs the queries, the same for everyone who
    sees the same portfolio on the same day."""
    context = selectors.director_dashboard(user, today)
    context["pipeline_chart"] = {
        "labels": [str(label) for _, label, _ in context["pipeline"]],
        "counts": [n for _, _, n in context["pipeline"]],
    }
    return render_to_string("home/_director_body.html", context)


@login_required
def home(request):
    role = current_role(request)
    if role == Role.MANAGER:
        return render(request, "home/manager.html", selectors.manager_home(request.user))
    if role == Role.CLIENT:
        return render(request, "home/client.html", selectors.client_home(request.user))
    if role in (Role.DIRECTOR, Role.ADMIN):
        user = request.user
        today = timezone.localdate()
        version = selectors.dashboard_version(user, today)
        body = cached(
            version["key"],
            lambda: director_dashboard_body(user, today),
            settings.DASHBOARD_CACHE_SECONDS,
        )
        context = {
            "body": mark_safe(body),  # noqa: S308 -- rendered by our own template, escaped there
            "firm_name": version["firm_name"],
            "every_firm": access.is_admin(user),
        }
        return render(request, "home/director.html", context)
    return render(request, "home/none.html")

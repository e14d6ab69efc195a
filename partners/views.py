from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .models import Role
from .roles import SESSION_KEY


@login_required
@require_POST
def switch_role(request):
    """Wear another of one's hats: the home page follows."""
    role = request.POST.get("role")
    if role not in request.user.roles:
        messages.error(request, "You do not have that role.")
    else:
        request.session[SESSION_KEY] = role
        messages.info(request, f"You are now working as {Role(role).label.lower()}.")
    return redirect("home")

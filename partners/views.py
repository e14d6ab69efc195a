from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services
from .forms import FirmClientForm
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


def _own_firm(request):
    profile = getattr(request.user, "director_profile", None)
    if profile is None:
        raise PermissionDenied("Only an assignment director has a firm's client list.")
    return profile.firm


@login_required
def firm_clients(request):
    """The client organisations the director's firm works with: add and remove."""
    firm = _own_firm(request)
    form = FirmClientForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.firm_client_add(
                user=request.user, firm=firm, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.messages}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"{organisation} is on {firm}'s client list.")
            return redirect("firm_clients")
    clients = firm.clients.prefetch_related("contacts__user").order_by("name")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partners/firm_clients.html",
        {"firm": firm, "clients": clients, "form": form},
        status=status,
    )


@login_required
@require_POST
def firm_client_remove(request, organisation_id):
    firm = _own_firm(request)
    organisation = get_object_or_404(firm.clients.all(), pk=organisation_id)
    services.firm_client_remove(user=request.user, firm=firm, organisation=organisation)
    messages.success(request, f"{organisation} is no longer on {firm}'s client list.")
    return redirect("firm_clients")

import logging

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import services, tasks
from .forms import FirmClientForm
from .models import Role
from .password_reset import password_reset_allowed
from .roles import SESSION_KEY

logger = logging.getLogger(__name__)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, answering "if an account uses it, a link is on its way" at once
    for any address: the e-mail is the background task's (partners.tasks)."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if password_reset_allowed(email, get_client_ip_address(self.request)):
            try:
                tasks.send_password_reset.delay(
                    email,
                    self.request.get_host(),
                    self.request.is_secure(),
                    language=self.request.LANGUAGE_CODE,
                )
            except BrokerUnavailable:
                logger.warning("Broker unavailable: no password-reset e-mail sent.")
        return HttpResponseRedirect(self.get_success_url())


@login_required
@require_POST
def switch_role(request):
    """Wear another of one's hats: the home page follows."""
    role = request.POST.get("role")
    if role not in request.user.roles:
        messages.error(request, _("You do not have that role."))
    else:
        request.session[SESSION_KEY] = role
        messages.info(
            request,
            _("You are now working as %(role)s.") % {"role": Role(role).label.lower()},
        )
    return redirect("home")


def _own_firm(request):
    profile = getattr(request.user, "director_profile", None)
    if profile is None:
        raise PermissionDenied(_("Only an assignment director has a firm's client list."))
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
            messages.success(
                request,
                _("%(organisation)s is on %(firm)s's client list.")
                % {"organisation": organisation, "firm": firm},
            )
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
    messages.success(
        request,
        _("%(organisation)s is no longer on %(firm)s's client list.")
        % {"organisation": organisation, "firm": firm},
    )
    return redirect("firm_clients")


@require_POST
def set_language(request):
    """Django's language switch, which also keeps the choice on a signed-in person's account
    (their pages and e-mails follow it on every device)."""
    services.user_language_set(user=request.user, language=request.POST.get("language", ""))
    return i18n_views.set_language(request)

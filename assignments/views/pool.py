"""The manager pool: the firm's list to shortlist from, a manager added by e-mail, a
profile shown as its viewer may see it, edited, and a manager taken off the pool."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners.codes import country_names, language_names
from partners.forms import ManagerAddForm, ManagerProfileForm, PoolFilterForm

from .. import access
from ..exceptions import message_of
from ..selectors import get_assignment_for_user
from ..selectors import pool as selectors
from ..selectors.records import track_record_for
from ..services import pool as services
from .common import ERRORS, _posted

PER_PAGE = 25


@login_required
def manager_list(request):
    """The firm's pool, searched and filtered by the query string."""
    if not access.can_see_pool(request.user):
        raise PermissionDenied(_("Only assignment directors have a pool of managers."))
    form = PoolFilterForm(request.GET)
    filters = form.filters()
    shortlisting = _shortlisting_for(request)
    profiles = selectors.pool_list(request.user, **filters)
    if shortlisting:
        # Shortlisting draws on the assignment's own firm's pool (an admin's list is all).
        profiles = profiles.filter(firms=shortlisting["assignment"].firm_id)
    page = Paginator(profiles, PER_PAGE).get_page(form.page_number())
    current = {k: getattr(v, "pk", v) for k, v in filters.items()}
    query = urlencode({k: v for k, v in current.items() if v not in (None, "")})
    filtered = bool(query)
    if shortlisting:
        query = urlencode({"for": shortlisting["assignment"].pk}) + (f"&{query}" if query else "")
    firm_id = access.director_firm_id(request.user)
    context = {
        "form": form,
        "page": page,
        "rows": [_row(p) for p in page],
        "query": query,
        "filtered": filtered,
        "shortlisting": shortlisting,
        "is_admin": access.is_admin(request.user),
        "can_add": access.can_manage_pool(request.user, firm_id),
    }
    return render(request, "managers/list.html", context, status=400 if form.errors else 200)


def _shortlisting_for(request):
    """The assignment the list is searched for (`?for=<id>`), when its viewer may shortlist
    on it now: each row then offers to shortlist, or says the manager is a candidate already.
    An assignment the viewer may not see is as unknown as a missing one (404)."""
    wanted = request.GET.get("for", "")
    if not wanted:
        return None
    if not wanted.isdigit():
        raise Http404(_("No such assignment."))
    a = get_assignment_for_user(request.user, int(wanted))
    if not access.can_shortlist(a, request.user):
        return None
    return {
        "assignment": a,
        "candidates": set(a.candidacies.values_list("manager_id", flat=True)),
    }


def _row(profile):
    return {
        "profile": profile,
        "languages": language_names(profile.languages),
        "countries": country_names(profile.countries),
    }


def _profile_url(manager_id):
    return reverse("manager_profile", args=[manager_id])


def _form_errors(form, exc):
    """A service's refusal as the form's errors, on the fields it names."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        form.add_error(None, message_of(exc))


@login_required
def manager_add(request):
    """A director adds a manager to their firm's pool by e-mail."""
    firm_id = access.director_firm_id(request.user)
    if not access.can_manage_pool(request.user, firm_id):
        raise PermissionDenied(
            _("Only an assignment director adds managers to their firm's pool.")
        )
    form = ManagerAddForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                added = services.manager_pool_add(user=request.user, **form.cleaned_data)
            except (*ERRORS, ValidationError) as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _added_message(added))
                if added.outcome in (services.Added.NEW_PERSON, services.Added.NEW_PROFILE):
                    return redirect("manager_edit", manager_id=added.profile.user_id)
                return redirect(_profile_url(added.profile.user_id))
    context = {
        "form": form,
        "title": _("Add a manager to the pool"),
        "submit": _("Add to the pool"),
        "cancel_url": reverse("managers"),
        "adding": True,
    }
    return render(request, "managers/form.html", context, status=status)


def _added_message(added):
    name = added.profile.user
    if added.outcome == services.Added.ALREADY:
        return _("%(name)s is in your firm's pool already.") % {"name": name}
    if added.outcome == services.Added.NEW_PERSON:
        return _(
            "%(name)s is in your firm's pool. They have no password yet: they choose one "
            "with “Forgot your password?” on the sign-in page. Now complete their profile."
        ) % {"name": name}
    if added.outcome == services.Added.NEW_PROFILE:
        return _(
            "%(name)s is now an interim manager in your firm's pool. Now complete their profile."
        ) % {"name": name}
    if not added.other_pools:
        return _("%(name)s is in your firm's pool.") % {"name": name}
    return ngettext(
        "%(name)s is in your firm's pool. Their profile is shared with another firm's pool: "
        "a change to it shows there too.",
        "%(name)s is in your firm's pool. Their profile is shared with other firms' pools: "
        "a change to it shows there too.",
        added.other_pools,
    ) % {"name": name}


@login_required
def manager_profile(request, manager_id):
    """A manager's profile: everything for the provider, their own for the manager, what
    a client was presented for a client contact."""
    page = selectors.get_profile_for_user(request.user, manager_id)
    firm_id = access.director_firm_id(request.user)
    track_record = None
    if page.full:
        scope = None if access.is_admin(request.user) else firm_id
        track_record = track_record_for(manager_id, scope)
    context = {
        "page": page,
        "profile": page.profile,
        "manager": page.manager,
        "languages": language_names(page.profile.languages),
        "countries": country_names(page.profile.countries),
        "track_record": track_record,
        "can_edit": access.can_edit_profile(request.user, page.pool_firm_ids),
        "can_remove": access.can_manage_pool(request.user, firm_id)
        and firm_id in page.pool_firm_ids,
        # A director of a pool that holds them: how many other pools share the profile.
        "shared_pools": len(page.pool_firm_ids) - 1 if firm_id in page.pool_firm_ids else 0,
    }
    return render(request, "managers/profile.html", context)


def _editable(request, manager_id):
    page = selectors.get_profile_for_user(request.user, manager_id)
    if not access.can_edit_profile(request.user, page.pool_firm_ids):
        raise PermissionDenied(
            _("Only a director of a firm whose pool holds this manager may edit their profile.")
        )
    return page.profile


def _initial(profile):
    return {
        "headline": profile.headline,
        "cv_summary": profile.cv_summary,
        "skills": list(profile.skills.all()),
        "languages": profile.languages,
        "countries": profile.countries,
        "day_rate": profile.day_rate,
        "day_rate_max": profile.day_rate_max,
        "currency": profile.currency,
        "available_from": profile.available_from,
    }


@login_required
def manager_edit(request, manager_id):
    """A director of a firm whose pool holds the manager (or an admin) edits the profile."""
    profile = _editable(request, manager_id)
    form = ManagerProfileForm(_posted(request), initial=_initial(profile))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.manager_profile_update(
                    user=request.user, profile=profile, **form.cleaned_data
                )
            except (*ERRORS, ValidationError) as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s's profile is saved.") % {"name": profile.user}
                )
                return redirect(_profile_url(manager_id))
    context = {
        "form": form,
        "manager": profile.user,
        "title": _("Edit %(name)s's profile") % {"name": profile.user},
        "submit": _("Save the profile"),
        "cancel_url": _profile_url(manager_id),
    }
    return render(request, "managers/form.html", context, status=status)


@login_required
@require_POST
def manager_remove(request, manager_id):
    """A director takes a manager off their firm's pool (the person stays)."""
    page = selectors.get_profile_for_user(request.user, manager_id)
    services.manager_pool_remove(user=request.user, profile=page.profile)
    messages.success(
        request,
        _(
            "%(name)s is no longer in your firm's pool. "
            "The assignments they are on with your firm carry on."
        )
        % {"name": page.manager},
    )
    return redirect("managers")

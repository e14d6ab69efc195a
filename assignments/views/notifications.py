"""A person's notifications: listed, read one by one or all at once, and how they reach
them (at once, in a daily digest, or in Interim only)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..constants import DEFAULT_DELIVERY, Delivery, NotificationKind
from ..services.notifications import preferences_of, preferences_update

PER_PAGE = 30


@login_required
def notification_list(request):
    qs = selectors.notifications_for(request.user).order_by("-created_at", "-id")
    if request.GET.get("unread"):
        qs = qs.filter(read_at=None)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, notification_id):
    notification = selectors.get_child_or_404(
        selectors.notifications_for(request.user), pk=notification_id
    )
    services.notification_mark_read(notification=notification, user=request.user)
    if request.htmx:
        # The row, and the navigation bar's count swapped out of band.
        return render(
            request,
            "notifications/_row_read.html",
            {"n": notification, "unread_notifications": selectors.unread_count(request.user)},
        )
    # Follow the stored link only within this site: never an open redirect.
    if request.POST.get("follow") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    n = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s notification(s) marked as read.",
            "%(count)s notification(s) marked as read.",
            n,
        )
        % {"count": n},
    )
    return redirect("notifications:list")


class NotificationSettingsForm(forms.Form):
    """One choice of delivery per kind of notification."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                help_text=_("Default: %(delivery)s.")
                % {"delivery": Delivery(DEFAULT_DELIVERY[kind]).label.lower()},
            )


@login_required
def notification_settings(request):
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            preferences_update(user=request.user, choices=form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:settings")
    else:
        form = NotificationSettingsForm(initial=preferences_of(request.user))
    return render(request, "notifications/settings.html", {"form": form})

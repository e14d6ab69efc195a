"""Flags, notifications and history rows: written by the services, read here."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from .. import services
from ..exceptions import message_of
from ..models import (
    ChannelNote,
    DriftReading,
    Flag,
    MeetingRating,
    NegotiationRound,
    Notification,
    NotificationPreference,
    PlanConfirmation,
    TransitionRecord,
)
from ..services.notifications import notifications_email_retry
from .base import RecordAdmin

ADMIN_RESOLUTION = "Resolved by an admin"


@admin.register(Flag)
class FlagAdmin(RecordAdmin):
    list_display = ("kind", "assignment", "raised_at", "resolved_at", "resolved_by")
    list_filter = ("kind", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("assignment__title", "message", "key")
    list_select_related = ("assignment__client", "resolved_by")
    actions = ["resolve_selected"]

    @admin.action(description=_lazy("Resolve the selected flags (through the service)"))
    def resolve_selected(self, request, queryset):
        resolved, refused = services.flags_resolve(
            flags=queryset, user=request.user, comment=ADMIN_RESOLUTION
        )
        for flag, reason in refused:
            messages.error(
                request, _("%(row)s: %(refusal)s") % {"row": flag, "refusal": message_of(reason)}
            )
        if resolved:
            messages.success(
                request,
                ngettext("Resolved %(count)s flag(s).", "Resolved %(count)s flag(s).", resolved)
                % {"count": resolved},
            )


class EmailFailedFilter(admin.SimpleListFilter):
    """The notifications whose last e-mail attempt failed: waiting for a retry, or given up."""

    title = _lazy("e-mail failed")
    parameter_name = "email_failed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(email_failed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(email_failed_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(RecordAdmin):
    # A notification added here would be e-mailed by the next sweep, outside any service.
    list_display = (
        "subject",
        "recipient",
        "kind",
        "delivery",
        "created_at",
        "emailed_at",
        "email_attempts",
        "email_error",
        "email_retry_at",
        "read_at",
    )
    list_filter = (EmailFailedFilter, "kind", "delivery", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("subject", "recipient__email", "key", "email_error")
    list_select_related = ("recipient",)
    actions = ["retry_email"]

    @admin.action(description=_lazy("Retry the e-mail of the selected notifications"))
    def retry_email(self, request, queryset):
        count = notifications_email_retry(notifications=queryset, user=request.user)
        skipped = queryset.count() - count
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)s e-mail(s) will be tried again at the next run.",
                    "%(count)s e-mail(s) will be tried again at the next run.",
                    count,
                )
                % {"count": count},
            )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)s not retried: already e-mailed, or too old to be e-mailed.",
                    "%(count)s not retried: already e-mailed, or too old to be e-mailed.",
                    skipped,
                )
                % {"count": skipped},
            )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """A person's choice of delivery per kind; they change it at /notifications/settings/."""

    list_display = ("user", "kind", "delivery")
    list_filter = ("kind", "delivery")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(TransitionRecord)
class TransitionRecordAdmin(RecordAdmin):
    list_display = ("assignment", "transition", "from_state", "to_state", "by", "at")
    list_filter = ("transition", "to_state")
    search_fields = ("assignment__title", "comment")
    list_select_related = ("assignment__client", "by")


@admin.register(DriftReading)
class DriftReadingAdmin(RecordAdmin):
    list_display = ("assignment", "score", "audit_report", "meeting", "recorded_at")
    list_select_related = (
        "assignment__client",
        "audit_report__assignment__client",
        "meeting__assignment__client",
    )
    search_fields = ("assignment__title",)


@admin.register(NegotiationRound)
class NegotiationRoundAdmin(RecordAdmin):
    list_display = ("__str__", "candidacy", "offered_by", "at")
    list_filter = ("offered_by", "currency")
    search_fields = ("candidacy__manager__full_name", "candidacy__assignment__title")
    list_select_related = ("candidacy__manager", "candidacy__assignment__client")


@admin.register(PlanConfirmation)
class PlanConfirmationAdmin(RecordAdmin):
    list_display = ("__str__", "plan", "user", "at")
    list_filter = ("party",)
    search_fields = ("plan__assignment__title", "user__full_name")
    list_select_related = ("plan__assignment__client", "user")


@admin.register(MeetingRating)
class MeetingRatingAdmin(RecordAdmin):
    list_display = ("meeting", "dimension", "level")
    list_filter = ("dimension", "level")
    search_fields = ("meeting__assignment__title",)
    list_select_related = ("meeting__assignment__client",)


@admin.register(ChannelNote)
class ChannelNoteAdmin(RecordAdmin):
    # A note added here would raise no flag and tell nobody: notes go through the service.
    list_display = ("assignment", "author", "created_at", "needs_support", "strain")
    list_filter = ("needs_support", "strain")
    search_fields = ("assignment__title", "author__full_name", "body")
    list_select_related = ("assignment__client", "author")

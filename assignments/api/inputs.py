"""What the API's writes accept: the fields of the web's forms, checked for their shape here
(types, lengths, ranges) so that bad input is a 400 naming the field and nothing is written.
The rules of the trade stay the services' to refuse (409)."""

from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from ..constants import RATING_MAX, RATING_MIN, Dimension, GapLevel
from ..services.meetings import held_on_refusal

# A database id: positive and within a 32-bit column, so that no lookup overflows.
ID_MAX = 2**31 - 1
TEXT_MAX = 10_000


def _text(**kwargs):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX, default="", **kwargs
    )


def _id(help_text):
    return serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text=help_text
    )


class TransitionInput(serializers.Serializer):
    """DESIGN.md's transition fields; which ones a transition needs is the web form's rule."""

    comment = _text(help_text=_lazy("Optional, any transition."))
    candidacy = _id(_lazy("For select_manager: a presented candidacy with an agreed day rate."))
    report = _id(_lazy("For accept_audit: a submitted audit report."))
    reason = _text(help_text=_lazy("For start_realignment and cancel."))
    outcome = _text(help_text=_lazy("For complete."))


class BriefInput(serializers.Serializer):
    """What the client announced: only the fields sent change."""

    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)

    def get_fields(self):
        fields = super().get_fields()
        for value, label in Dimension.choices:
            fields[value] = serializers.CharField(
                required=False, allow_blank=True, max_length=TEXT_MAX, help_text=label
            )
        return fields


class PresentInput(serializers.Serializer):
    justification = _text(help_text=_lazy("Needed when the fit rating is low."))


class AuditReportInput(serializers.Serializer):
    """The draft report, as the web's form has it: a finding and a gap level per dimension.
    Dimensions not sent keep what the draft holds."""

    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)

    def get_fields(self):
        fields = super().get_fields()
        for value, label in Dimension.choices:
            fields[f"{value}_finding"] = serializers.CharField(
                required=False, allow_blank=True, max_length=TEXT_MAX, help_text=label
            )
            fields[f"{value}_level"] = serializers.ChoiceField(
                required=False, choices=GapLevel.choices, help_text=label
            )
        return fields


class DeliveredInput(serializers.Serializer):
    delivered_on = serializers.DateField(
        required=False, allow_null=True, help_text=_lazy("Today when left out.")
    )


def _rating(help_text):
    return serializers.IntegerField(
        min_value=RATING_MIN, max_value=RATING_MAX, help_text=help_text
    )


class MeetingRecordInput(serializers.Serializer):
    """The web's meeting form: when it was held, what was said, six ratings."""

    held_on = serializers.DateField()
    summary = serializers.CharField(max_length=TEXT_MAX)
    milestone_progress = _text()
    commitments_review = _text()
    manager_workload = _rating(_lazy("1 light – 5 overloaded"))
    manager_strain = _rating(_lazy("1 serene – 5 worn out"))
    direction_changes = _text()
    realignment_actions = _text()
    opportunities = _text()

    def get_fields(self):
        fields = super().get_fields()
        for value, label in Dimension.choices:
            fields[f"rating_{value}"] = serializers.ChoiceField(
                choices=GapLevel.choices, help_text=label
            )
        return fields

    def validate_held_on(self, held_on):
        meeting = self.context["meeting"]
        problem = held_on_refusal(meeting.assignment, held_on, meeting=meeting)
        if problem:
            raise serializers.ValidationError(problem)
        return held_on

    def ratings(self):
        return {d: int(self.validated_data[f"rating_{d}"]) for d in Dimension.values}

    def meeting_fields(self):
        return {
            k: v
            for k, v in self.validated_data.items()
            if not k.startswith("rating_") and k != "held_on"
        }


class ResolveFlagInput(serializers.Serializer):
    comment = serializers.CharField(max_length=TEXT_MAX, help_text=_lazy("How it was resolved."))

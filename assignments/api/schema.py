"""The OpenAPI schema says every answer an operation may give, refusals included, so that a
client (and the schema's own test, tests/api/test_schemathesis.py) can rely on it."""

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

WRITES = ("POST", "PUT", "PATCH", "DELETE")


class ErrorDetailSerializer(serializers.Serializer):
    """A refusal: one sentence saying why."""

    detail = serializers.CharField()


# DRF's field errors ({"field": ["sentence", ...]}), or a sentence for a body that could
# not be parsed ({"detail": "JSON parse error ..."}).
FIELD_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        },
    },
    description=_lazy("The input is not valid: the sentences say why, field by field."),
)


def _refusal(description):
    return OpenApiResponse(ErrorDetailSerializer, description=description)


ERRORS = {
    "400": FIELD_ERRORS,
    "401": _refusal(_lazy("Not signed in (no valid token).")),
    "403": _refusal(_lazy("You may see this, not do this.")),
    "404": _refusal(_lazy("No such thing, or not yours to see.")),
    "409": _refusal(_lazy("Refused by the rules of the trade, or by the assignment's state.")),
}


class InterimAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the refusals every operation of this API may answer
    added where the view did not declare them itself."""

    def _error_codes(self):
        codes = []
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        write = self.method in WRITES
        # Filters and page numbers are checked too: a bad one is a 400 or a 404 (no page).
        listed = self._is_list_view()
        if write or listed:
            codes.append("400")
        if "{" in self.path or listed:
            codes.append("404")
        if write:
            codes.append("409")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ERRORS[code], code, direction=direction
                )
        return responses

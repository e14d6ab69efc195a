"""Site-wide answers that Django leaves blank."""

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.template.loader import render_to_string


class MethodNotAllowedPageMiddleware:
    """A page for a 405, such as a POST-only address opened from the address bar.

    Django has no handler405: `require_POST` and its kind answer an empty body. The
    status and the Allow header are kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            response.content = render_to_string(
                "405.html", {"allowed": response["Allow"]}, request=request
            )
        return response


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header: the browser features the site allows (settings'
    PERMISSIONS_POLICY, a feature and its allowed origins; an empty list refuses it)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response

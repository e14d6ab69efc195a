"""The database is unreachable: a 503 page that says so, instead of a server error."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("interim.dberrors")

# Seconds a browser or a proxy should wait before asking again: a database restart or a
# failover takes about this long.
RETRY_AFTER = 30


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with a short page and a
    Retry-After header: nothing was saved, and trying again later is the right move. The
    page is rendered without the request, since its context would ask the database again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable for %s %s", request.method, request.path, exc_info=exception
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response

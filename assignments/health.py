"""/healthz: is this process able to reach the database and the broker, and serve pages?"""

import hmac

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interim.celery import app


class StaticFilesMissing(Exception):
    pass


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker():
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
        if conn.transport.driver_type == "redis":
            conn.default_channel.client.ping()


def _static():
    # Under production settings every page names its stylesheet through the manifest that
    # `collectstatic` writes: without it, every page is a 500.
    try:
        staticfiles_storage.url("css/interim.css")
    except ValueError as exc:
        message = "static files are not collected (manage.py collectstatic)"
        raise StaticFilesMissing(message) from exc


def _may_see_details(request) -> bool:
    """Staff, or a monitor presenting INTERIM_HEALTH_TOKEN as a bearer token."""
    token = settings.HEALTH_TOKEN
    header = request.headers.get("Authorization", "")
    presented = header.removeprefix("Bearer ").encode()
    if token and header.startswith("Bearer ") and hmac.compare_digest(presented, token.encode()):
        return True
    try:
        return bool(request.user.is_staff)
    except Exception:
        # The session is in the database; a database that is down is not the caller's fault.
        return False


@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} or 503 {"status": "error"} (for load balancers and container
    healthchecks; no sign-in, no data). Staff and holders of the health token also get each
    check, "ok" or the error."""
    checks = {}
    for name, check in (("database", _database), ("broker", _broker), ("static", _static)):
        try:
            check()
        except StaticFilesMissing as exc:
            checks[name] = f"error: {exc}"
        except Exception as exc:
            checks[name] = f"error: {type(exc).__name__}"
        else:
            checks[name] = "ok"
    healthy = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if healthy else "error"}
    if _may_see_details(request):
        body.update(checks)
    return JsonResponse(body, status=200 if healthy else 503)

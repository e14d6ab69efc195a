"""/healthz: is this process able to reach the database and the broker?"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interim.celery import app


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker():
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
        if conn.transport.driver_type == "redis":
            conn.default_channel.client.ping()


@never_cache
@require_GET
def healthz(request):
    """200 with each check "ok", or 503 naming the check that failed (for load balancers
    and container healthchecks; no sign-in, no data)."""
    checks = {}
    for name, check in (("database", _database), ("broker", _broker)):
        try:
            check()
        except Exception as exc:
            checks[name] = f"error: {type(exc).__name__}"
        else:
            checks[name] = "ok"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )

"""The pages measured, who asks for each, and their profile in this process.

`/` is each party's home (assignments/views/home.py dispatches on the role): the demo's
director, manager and client have one role each, so signing in is enough to choose it.
"""

import statistics
import time
from dataclasses import dataclass

DIRECTOR = "director@demo.test"
MANAGER = "manager@demo.test"
CLIENT = "client@demo.test"
ADMIN = "admin@demo.test"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    email: str
    url: str


def assignment_measured():
    """The in-progress assignment with meetings, of the director's firm, with the lowest id:
    the same one in the small and the large world (each load only adds)."""
    from django.db.models import Count

    from assignments.models import Assignment, State
    from partners.models import User

    firm = User.objects.get(email=DIRECTOR).director_profile.firm
    return (
        Assignment.objects.filter(firm=firm, state=State.IN_PROGRESS)
        .annotate(n=Count("meetings"))
        .filter(n__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def pages():
    pk = assignment_measured()
    if pk is None:
        raise RuntimeError("no in-progress assignment with meetings in the director's firm")
    return [
        Page("floor", "floor (/bench/floor/)", DIRECTOR, "/bench/floor/"),
        Page("dashboard", "director dashboard (/)", DIRECTOR, "/"),
        Page("list", "assignment list", DIRECTOR, "/assignments/"),
        Page("assignment", f"assignment page (#{pk})", DIRECTOR, f"/assignments/{pk}/"),
        Page("manager", "manager home (/)", MANAGER, "/"),
        Page("client", "client home (/)", CLIENT, "/"),
        Page("admin", "admin changelist", ADMIN, "/admin/assignments/assignment/"),
    ]


def signed_in(email):
    """A django.test.Client signed in as the demo user (the session is written where the
    settings keep sessions: the database or cache gunicorn shares)."""
    from django.test import Client

    from partners.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def profile(page, *, cold, warmups=2, requests=20):
    """Median milliseconds and queries of `requests` GETs after `warmups`; cold clears the
    cache before each request (and signs in again if sessions live in the cache)."""
    from django.conf import settings
    from django.core.cache import cache

    from bench.engine import QueryCount

    sessions_in_cache = settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    client = signed_in(page.email)
    times, queries = [], []
    for n in range(warmups + requests):
        if cold:
            cache.clear()
            if sessions_in_cache:
                client = signed_in(page.email)
        with QueryCount() as count:
            started = time.perf_counter()
            response = client.get(page.url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{page.url} as {page.email} answered {response.status_code}")
        if n >= warmups:
            times.append(elapsed * 1000)
            queries.append(count.n)
    return {"ms": statistics.median(times), "queries": statistics.median(queries)}


def profile_all(page_list, requests=20):
    """{page key: {"cold": {...}, "warm": {...}}}, printed as it goes."""
    out = {}
    for page in page_list:
        out[page.key] = {
            mode: profile(page, cold=mode == "cold", requests=requests)
            for mode in ("cold", "warm")
        }
        c, w = out[page.key]["cold"], out[page.key]["warm"]
        print(
            f"  {page.label:32} cold {c['ms']:7.1f} ms {c['queries']:5.0f} q   "
            f"warm {w['ms']:7.1f} ms {w['queries']:5.0f} q",
            flush=True,
        )
    return out

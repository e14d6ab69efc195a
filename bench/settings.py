"""The settings the benchmark serves and measures: the local ones, as in production.

Debug off (no query log, no debug pages), e-mails kept in memory (a sweep over the large
world would print thousands), and the floor view's address added (bench/urls.py)."""

from interim.settings.local import *  # noqa: F403
from interim.settings.local import ALLOWED_HOSTS, BASE_DIR, LOGGING

DEBUG = False
ROOT_URLCONF = "bench.urls"
# django.test.Client asks as "testserver" (the in-process profile).
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Collected by the harness before gunicorn starts, for WhiteNoise as in production (and
# /healthz, which checks them).
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
# The harness signs in its users with force_login: axes would log each sign-in.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "axes": {"level": "WARNING"}}}

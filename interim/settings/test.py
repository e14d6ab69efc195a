"""The test suite: fast hashing, no outgoing mail, the database DATABASE_URL names."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-secret-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Tests that do not run a worker publish to an in-process queue nobody reads: enqueuing
# after commit (live-server tests) is instant and needs no broker. The worker tests point
# the app at Redis themselves, and their worker process through INTERIM_TEST_BROKER_URL.
CELERY_BROKER_URL = env("INTERIM_TEST_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# Every lazily loaded relation or deferred field read in a loop raises (django-zeal): the
# autouse fixture in tests/conftest.py watches each test's own code, and the middleware
# watches each request with a fresh count, including the live server's requests, which
# run in another thread where the test's context does not reach.
INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]  # noqa: F405
MIDDLEWARE = ["zeal.middleware.zeal_middleware", *MIDDLEWARE]  # noqa: F405
ZEAL_RAISE = True
# The message names each load's whole call path (tests/conftest.py counts loads by path).
ZEAL_SHOW_ALL_CALLERS = True
# Each test run's own memory (cleared before every test), unless a test run names a
# shared cache to exercise it.
CACHES = {"default": env.cache("INTERIM_CACHE_URL", default="locmemcache://")}

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

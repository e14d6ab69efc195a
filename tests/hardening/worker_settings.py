"""The test settings for a worker that a test kills: slow e-mail written to a file, a
one-second visibility timeout (the next worker takes the killed one's task back at once;
in production the hour-long default bounds the wait) and a one-second e-mail lease."""

from datetime import timedelta

from interim.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.hardening.slowmail.SlowFileBackend"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1}
NOTIFICATION_EMAIL_LEASE = timedelta(seconds=1)

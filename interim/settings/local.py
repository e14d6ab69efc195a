"""A newcomer's laptop: no environment needed, SQLite, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# E-mails are printed one line each (to, subject, link); INTERIM_EMAIL_CONSOLE_FULL=true
# prints them whole. DJANGO_EMAIL_BACKEND chooses another backend (SMTP…).
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="interim.mail.EmailBackend")
EMAIL_CONSOLE_FULL = env.bool("INTERIM_EMAIL_CONSOLE_FULL", default=False)

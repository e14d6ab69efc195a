"""Production: everything from the environment, HTTPS only, hashed static files."""

from .base import *  # noqa: F403
from .base import STORAGES, env

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# TLS usually ends at the proxy in front; the app insists on it as well. Behind a proxy that
# already redirects plain HTTP, DJANGO_SSL_REDIRECT=false leaves that to the proxy.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=True)
# The container's healthcheck asks http://127.0.0.1:8000/healthz, from inside, in plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# A year, subdomains included. Preloading (hstspreload.org) is a promise that is slow to
# take back: only on request.
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Django warns until the site asks to be preloaded; that is the operator's choice.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

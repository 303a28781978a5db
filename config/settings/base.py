"""Settings shared by every environment; everything deployment-specific is read
from the environment (see README: 配置)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-change-me-dzb-platform")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "django_celery_beat",
    "axes",
    "branches",
    "members",
    "meetings",
    "archives",
    "assessment",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "branches.rule_token.RequestTokenMiddleware",  # the org tree's token: read once per request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the 429 (config.auth)
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "branches.context_processors.navigation",
            ],
        },
    },
]

# DATABASE_URL defaults to a zero-setup SQLite file; production and CI use PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# keep a worker's connection between requests (a new PostgreSQL connection costs more
# than a whole meeting save); checked before reuse so a restarted database is survived
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Login throttling (django-axes, config/auth.py): LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address within LOGIN_LOCKOUT_MINUTES lock that pair for that long (429,
# in Chinese); a successful login resets the count. The client address is REMOTE_ADDR; behind
# a reverse proxy set LOGIN_PROXY_COUNT to the number of proxies that append X-Forwarded-For.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_USE_ATTEMPT_EXPIRATION = True  # failures older than the cool-off no longer count
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = env.int("LOGIN_PROXY_COUNT", default=0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# E-mail: EMAIL_URL (e.g. smtp+tls://user:pass@host:587); console in development.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dzb-platform@localhost")

# ID numbers (身份证号) are stored encrypted with this key (Fernet, urlsafe base64 of
# 32 bytes); by default it is derived from SECRET_KEY. Changing it makes stored
# numbers unreadable, so production sets it explicitly and keeps it.
ID_NUMBER_KEY = env("ID_NUMBER_KEY", default="")

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

# Per process. What is cached is keyed on what it depends on (the dashboard on
# its snapshots' stamp, SPEC §2 findings on branches.RuleFactsVersion), so
# processes never need to tell each other; room for a city's 2,000 branches.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 50000},
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A worker killed mid-task (SIGKILL, OOM, a lost machine) loses nothing: the message is
# acknowledged only when the task ends (acks_late); a dead pool process hands it back at once
# (reject_on_worker_lost); a dead worker's unacknowledged message goes back to the queue after
# the visibility timeout, which must exceed the longest task (time limit 30 min) and countdown.
# Every task is idempotent (the alerts' unique constraints), so a rerun is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long task does not hold queued ones hostage on a busy worker
# Three queues, so that a city-wide export never delays the alerts: `celery worker -Q alerts`,
# `-Q reports`, `-Q default` may run on different hosts (README: 部署).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "branches.run_alert_sweep": {"queue": "alerts"},
    "branches.*alert*": {"queue": "alerts"},
    "reports.*": {"queue": "reports"},
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call or a bad token then gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "config.api.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "党支部标准化管理平台 API",
    "DESCRIPTION": "组织、委员会、党员等资源的 REST 接口（/api/v1/）。支持会话与 Token 认证。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tag each operation by its resource (the path segment after /api/v1/) so the
    # docs group them (branches, members, meetings, archive-boxes, …) instead of one "v1".
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Several models have a `kind`/`role`/`status`: name each choice set once.
    "ENUM_NAME_OVERRIDES": {
        "OrgUnitKindEnum": "branches.models.OrgUnit.Kind",
        "ElectionKindEnum": "branches.models.Election.Kind",
        "TermAdjustmentKindEnum": "branches.models.TermAdjustment.Kind",
        "CommitteeRoleEnum": "branches.models.RoleTenure.Role",
        "MemberStatusEnum": "members.models.Member.Status",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "MeetingQuorumEnum": "meetings.models.Meeting.Quorum",
        "AttachmentKindEnum": "meetings.models.Attachment.Kind",
        "ScoreGradeEnum": "assessment.models.ScoreSnapshot.Grade",
        "EvaluationGradeEnum": "meetings.models.EvaluationGrade.Grade",
        "CampaignStatusEnum": "assessment.models.Campaign.Status",
        "AssessmentStatusEnum": "assessment.models.Assessment.Status",
    },
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# Meeting attachments (photos, scanned sign-in sheets): allowed types and size.
MEETINGS_ATTACHMENT_MAX_BYTES = env.int("MEETINGS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
MEETINGS_ATTACHMENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
# Study hours credited per attendee when a meeting with study content does not say.
MEETINGS_DEFAULT_STUDY_HOURS = "2"
# 民主评议: 优秀 at most 1/3 of those rated.
MEETINGS_EXCELLENT_MAX_RATIO = (1, 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Alerts (SPEC §7): the daily sweep at ALERT_SWEEP_TIME (HH:MM, Asia/Shanghai). The one
# periodic schedule in code; django_celery_beat's DatabaseScheduler copies it into its table.
ALERT_SWEEP_TIME = env("ALERT_SWEEP_TIME", default="06:30")
_sweep_hour, _sweep_minute = (int(p) for p in ALERT_SWEEP_TIME.split(":"))
CELERY_BEAT_SCHEDULE = {
    "alert-sweep": {
        "task": "branches.run_alert_sweep",
        "schedule": crontab(hour=_sweep_hour, minute=_sweep_minute),
        "options": {"expires": 12 * 60 * 60},  # a sweep still queued half a day later is dropped; the next one catches up
    },
    # report files past their expiry are deleted (the 下载中心 then says so)
    "report-files-cleanup": {
        "task": "reports.delete_expired_files",
        "schedule": crontab(minute=15),
        "options": {"expires": 60 * 60},
    },
}

# Report jobs (SPEC §8): files are kept REPORTS_KEEP_DAYS days; the jobs run on
# REPORTS_CELERY_QUEUE (give heavy exports their own queue and worker if they
# should never delay the alert sweep).
REPORTS_KEEP_DAYS = env.int("REPORTS_KEEP_DAYS", default=7)
REPORTS_CELERY_QUEUE = env("REPORTS_CELERY_QUEUE", default="reports")

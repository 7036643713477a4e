"""Django settings for a bare Django OAuth Toolkit 1.x site: DOT's models and views, nothing else.

The database comes from the environment: DOT1_SQLITE (a file path) or DOT1_PG_NAME (a database
on DOT1_PG_HOST, default 127.0.0.1:5432, user postgres).
"""
import os

SECRET_KEY = "dot1-fixture-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "dot1site.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth"]},
    }
]

if os.environ.get("DOT1_PG_NAME"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["DOT1_PG_NAME"],
            "HOST": os.environ.get("DOT1_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DOT1_PG_PORT", "5432"),
            "USER": os.environ.get("DOT1_PG_USER", "postgres"),
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DOT1_SQLITE"]}}

OAUTH2_PROVIDER = {
    "SCOPES": {"read": "Read", "write": "Write"},
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
}

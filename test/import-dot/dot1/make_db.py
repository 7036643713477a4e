"""Fills a Django OAuth Toolkit 1.x database the way DOT itself does, and prints what it made as JSON.

Run by make-db.sh with Debian's python3 and DJANGO_SETTINGS_MODULE=dot1site.settings. DOT's own
views issue the tokens of the authorization-code and client-credentials flows (through Django's
test client, as a browser and an app would call them); the rows DOT only makes over time (an
expired token, a code not yet redeemed) are written with DOT's models.
"""
import base64
import json
import sys
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from oauthlib.common import generate_token  # noqa: E402

import oauth2_provider  # noqa: E402
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken  # noqa: E402

CALLBACK = "https://app.example.com/callback"
# Allowed by DOT 1.x (ALLOWED_REDIRECT_URI_SCHEMES has http), refused by Grantline off loopback.
LEGACY_CALLBACK = "http://legacy.example.com/callback"
PASSWORD = "dot1-user-password"

call_command("migrate", verbosity=0, interactive=False)

user = get_user_model().objects.create_user("dora", "dora@example.com", PASSWORD, first_name="Dora")

webapp = Application.objects.create(
    name="DOT 1 web app",
    user=user,
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=f"{CALLBACK} {LEGACY_CALLBACK}",
)
# DOT 1.x keeps the secret it generated as it is.
webapp_secret = webapp.client_secret
native = Application.objects.create(
    name="DOT 1 native app",
    client_type=Application.CLIENT_PUBLIC,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris="http://127.0.0.1:8765/callback",
)
service = Application.objects.create(
    name="DOT 1 service",
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    redirect_uris="",
)


def basic(app):
    return "Basic " + base64.b64encode(f"{app.client_id}:{app.client_secret}".encode()).decode()


# The authorization-code flow through DOT's views: the signed-in user allows, the app redeems.
browser = Client()
browser.force_login(user)
allowed = browser.post(
    "/o/authorize/",
    {
        "client_id": webapp.client_id,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "read write",
        "state": "s1",
        "allow": "true",
    },
)
assert allowed.status_code == 302, (allowed.status_code, allowed.content)
code = parse_qs(urlparse(allowed["Location"]).query)["code"][0]
redeemed = Client().post(
    "/o/token/",
    {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
    HTTP_AUTHORIZATION=basic(webapp),
)
assert redeemed.status_code == 200, (redeemed.status_code, redeemed.content)
tokens = json.loads(redeemed.content)

# The client-credentials flow, with the secret in the body as DOT's examples send it.
issued = Client().post(
    "/o/token/",
    {"grant_type": "client_credentials", "client_id": service.client_id, "client_secret": service.client_secret, "scope": "read"},
)
assert issued.status_code == 200, (issued.status_code, issued.content)
service_token = json.loads(issued.content)["access_token"]

# Rows time makes: a token that expired an hour ago, and a code the app has not redeemed yet.
expired = AccessToken.objects.create(
    user=user, application=webapp, token=generate_token(), expires=timezone.now() - timedelta(hours=1), scope="read"
)
Grant.objects.create(
    user=user,
    application=webapp,
    code=generate_token(),
    expires=timezone.now() + timedelta(minutes=1),
    redirect_uri=CALLBACK,
    scope="read",
)

json.dump(
    {
        "dot_version": oauth2_provider.__version__,
        "django_version": django.get_version(),
        "user": {"id": user.pk, "username": user.username, "password": PASSWORD},
        "webapp": {
            "client_id": webapp.client_id,
            "client_secret": webapp_secret,
            "redirect_uris": [CALLBACK, LEGACY_CALLBACK],
            "legacy_redirect_uri": LEGACY_CALLBACK,
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
            "scope": tokens["scope"],
            "expired_access_token": expired.token,
        },
        "native": {"client_id": native.client_id},
        "service": {"client_id": service.client_id, "client_secret": service.client_secret, "access_token": service_token},
        "counts": {
            "applications": Application.objects.count(),
            "access_tokens": AccessToken.objects.count(),
            "refresh_tokens": RefreshToken.objects.count(),
            "grants": Grant.objects.count(),
        },
    },
    sys.stdout,
)

"""The admin's login defences, referenced from settings.

django-axes locks a username out after `ADMIN_LOGIN_FAILURE_LIMIT` wrong passwords, but only
for the client that typed them (someone elsewhere cannot lock an admin out), and this module
adds a cap per client across usernames (`ADMIN_LOGIN_CLIENT_FAILURE_LIMIT`), against password
spraying. Clients are known only by the keyed hash of optout.ratelimit.
"""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from optout import ratelimit

_WINDOW = 3600


def hashed_client(request: HttpRequest) -> str:
    """For django-axes, which stores what this returns as the client's "IP address"."""
    return ratelimit.client_key(request)


class LoginBackend(AxesStandaloneBackend):
    """django-axes's check, after refusing a client that failed too often with any username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and (
            ratelimit.count(request, "login-failures", _WINDOW)
            >= settings.ADMIN_LOGIN_CLIENT_FAILURE_LIMIT
        ):
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            raise AxesBackendPermissionDenied("Too many failed logins from this client")
        return super().authenticate(request, username, password, **kwargs)


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is not None and not getattr(request, "axes_locked_out", False):
        ratelimit.hit(request, "login-failures", settings.ADMIN_LOGIN_CLIENT_FAILURE_LIMIT, _WINDOW)

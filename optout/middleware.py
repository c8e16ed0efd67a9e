from django.conf import settings

from optout.views import healthz


class PermissionsPolicyMiddleware:
    """Deny the browser features this site never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class HealthCheckMiddleware:
    """Answer /healthz before anything looks at the Host header.

    A container's health check asks http://127.0.0.1:8000/healthz, a host name that a public
    site's ALLOWED_HOSTS rightly refuses. The answer says only whether the database is reachable,
    so it is safe to give under any name. Placed after the middleware that adds security headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)

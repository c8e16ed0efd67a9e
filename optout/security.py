"""Small security helpers referenced from settings."""

from django.http import HttpRequest


def no_client_address(request: HttpRequest) -> str:
    """For django-axes: we lock out by username and never record who is knocking."""
    return ""

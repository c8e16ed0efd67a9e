from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """A calm error page (or, for htmx, just the message) with the right status code."""
    response = render(request, "error.html", {"title": title, "message": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response

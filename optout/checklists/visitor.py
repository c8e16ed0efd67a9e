"""Finding the visitor's checklist from its signed cookie, and setting or removing that cookie."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from optout import clock
from optout.guides.models import GuideVersion
from optout.guides.translation import localize

from .models import Checklist, checklist_items, progress

SALT = "optout.checklist"


def get_checklist(request: HttpRequest, touch: bool = True) -> Checklist | None:
    """The visitor's checklist, from the cookie; by default noted as used today (a tick notes
    it in its own write instead)."""
    if hasattr(request, "_checklist"):
        return request._checklist
    checklist = None
    public_id = _public_id(request)
    if public_id:
        checklist = Checklist.with_ticks(public_id)  # None for a signed but malformed id
    if checklist is not None and touch:
        checklist.touch()
    request._checklist = checklist
    return checklist


# {a cookie's signed value: the public id it carries}: a visitor sends the same cookie with
# every request, and checking its signature took a sixth of a page with a checklist.
_verified: dict[str, str] = {}


def _public_id(request: HttpRequest) -> str | None:
    """The checklist id the request's cookie carries, if it is correctly signed."""
    cookie = request.COOKIES.get(settings.CHECKLIST_COOKIE_NAME)
    if not cookie:
        return None
    public_id = _verified.get(cookie)
    if public_id is None:
        try:
            public_id = request.get_signed_cookie(settings.CHECKLIST_COOKIE_NAME, salt=SALT)
        except signing.BadSignature:
            return None
        if len(_verified) >= 4096:
            _verified.clear()
        _verified[cookie] = public_id
    return public_id


def set_cookie(response: HttpResponse, checklist: Checklist) -> None:
    response.set_signed_cookie(
        settings.CHECKLIST_COOKIE_NAME,
        str(checklist.public_id),
        salt=SALT,
        max_age=settings.CHECKLIST_RETENTION_DAYS * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def delete_cookie(response: HttpResponse) -> None:
    response.delete_cookie(settings.CHECKLIST_COOKIE_NAME, samesite="Lax")


def guide_items(request: HttpRequest, version: GuideVersion, region: str | None):
    """Sections of a version with the visitor's items attached, and the progress."""
    today = clock.today()
    localize(version)
    sections = version.sections_with_steps()
    for section in sections:
        section.attach_region(region, today, version.guide.platform.name)
    items = checklist_items(get_checklist(request), version, sections, region, today)
    for section, item in zip(sections, items, strict=True):
        section.item = item
    return sections, items, progress(items)

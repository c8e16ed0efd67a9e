"""The JSON of each version as an API other sites use, and machine formats that are never
redirected to another language."""

import datetime

import pytest
from django.test import Client

from optout.guides.models import GuideVersion

FRENCH_BROWSER = {"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}


@pytest.fixture
def second(published):
    draft = published.copy_as_draft()
    draft.publish("Renamed a menu", ["ai-training"])
    return draft


@pytest.mark.parametrize(
    "path",
    [
        "/guides/linkedin.json",
        "/guides/linkedin/v/1.json",
        "/guides/linkedin/changes/feed/",
        "/checklist/reminder.ics?months=6",
        "/checklist/export.json",
        "/guides/nope.json",
        "/robots.txt",
        "/sitemap.xml",
    ],
)
def test_machine_formats_are_never_redirected_to_the_browsers_language(published, path):
    response = Client(headers=FRENCH_BROWSER).get(path)
    assert response.status_code in (200, 404), response.get("Location")


def test_html_pages_still_get_the_first_guess_redirect(published):
    response = Client(headers=FRENCH_BROWSER).get("/guides/linkedin/")
    assert (response.status_code, response["Location"]) == (302, "/fr/guides/linkedin/")


def test_another_site_can_fetch_the_json(published):
    response = Client(headers={"origin": "https://elsewhere.example", **FRENCH_BROWSER}).get(
        "/guides/linkedin.json"
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert response["Content-Type"] == "application/json"


def test_the_json_has_an_etag_and_answers_304_while_unchanged(second, client):
    first = client.get("/guides/linkedin.json")
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=300"
    again = client.get("/guides/linkedin.json", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    # A newer version (or a recorded check) changes the document, so the tag.
    second.copy_as_draft().publish("Again")
    changed = client.get("/guides/linkedin.json", headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    old = client.get("/guides/linkedin/v/1.json", headers={"if-none-match": etag})
    assert old.status_code == 200


def test_missing_guides_and_versions_answer_404_in_json(published, client):
    for path in ("/guides/nope.json", "/guides/linkedin/v/9.json", "/fr/guides/nope.json"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json()["error"] == "not_found"
    refused = client.post("/guides/linkedin.json")
    assert refused.status_code == 405 and refused.json()["error"] == "method_not_allowed"
    assert refused["Allow"] == "GET, HEAD"


def test_the_json_says_when_the_guide_was_last_checked(published, client, admin_user):
    assert client.get("/guides/linkedin.json").json()["last_checked_on"] is None
    published.guide.record_check(datetime.date(2026, 3, 14), admin_user)
    assert client.get("/guides/linkedin.json").json()["last_checked_on"] == "2026-03-14"


def test_the_json_names_the_site_by_site_url_whatever_the_host(published, settings):
    settings.ALLOWED_HOSTS = ["optout.example.org", "10.0.0.5"]
    settings.SITE_URL = "https://optout.example.org"
    response = Client(HTTP_HOST="10.0.0.5").get("/guides/linkedin/v/1.json")
    assert response.json()["url"] == "https://optout.example.org/guides/linkedin/v/1/"
    assert GuideVersion.objects.public().count() == 1

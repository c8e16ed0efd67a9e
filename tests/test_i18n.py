"""The interface in English, French and German: every string translated, language from the URL,
Accept-Language as a first guess only, switcher, hreflang and lang attributes."""

import re
from gettext import GNUTranslations
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.translation import trans_real

from optout.guides.models import GuideVersion
from tests.factories import publish_shipped_guide
from tests.helpers import SAME_SITE

LANGUAGES = ["fr", "de"]


@pytest.fixture
def shipped(db):
    """The shipped guide in two versions, the second with a translated change summary."""
    return publish_shipped_guide(
        fr="L'étape 1 parle de mettre l'application à jour.",
        de="Schritt 1 erwähnt, die App zuerst zu aktualisieren.",
    )


@pytest.fixture
def misses(monkeypatch):
    """Every msgid looked up in French or German that the catalogues lack."""
    found: set[str] = set()
    gettext, ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext

    def checked_gettext(self, message):
        if self.language() in LANGUAGES and self._catalog.get(message) is None:
            found.add(message)
        return gettext(self, message)

    def checked_ngettext(self, singular, plural, number):
        if self.language() in LANGUAGES and self._catalog.get((singular, 0)) is None:
            found.add(singular)
        return ngettext(self, singular, plural, number)

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", checked_gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", checked_ngettext)
    return found


class TextNodes(HTMLParser):
    """Visible text, outside code and anything marked lang="en" (content shown in English)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            attrs = dict(attrs)
            for name in ("alt", "placeholder", "aria-label"):
                if attrs.get(name) and not self.english:
                    self.texts.add(attrs[name].strip())
            return
        marked = tag != "html" and dict(attrs).get("lang") == "en"  # content left in English
        english = self.english or marked or tag in ("script", "style", "code")
        self.stack.append((tag, english))
        for name in ("aria-label", "placeholder"):
            value = dict(attrs).get(name)
            if value and not english:
                self.texts.add(value.strip())

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    @property
    def english(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.english and re.search(r"[A-Za-z]{2}", text):
            self.texts.add(text)


def texts(html: str) -> set[str]:
    parser = TextNodes()
    parser.feed(html)
    return parser.texts


# Words that are the same in every language: names, and LinkedIn's own English labels, which
# the sources give only in English.
SAME_IN_EVERY_LANGUAGE = {
    "optout",
    "LinkedIn",
    "Guides",  # French too
    "Sources",
    "Text",  # German too
    "Canada",
    "Hong Kong",
    "On",
    "Off",
    "English",
    "Français",
    "Deutsch",
    "Data for Generative AI Improvement",
    "Social, Economic and Workplace Research",
    "Data Processing Objection form",
    "JSON",
    "Atom",
    "RSS",
    "Web",
    "Android",
    "iOS",
}


def pages(client: Client, prefix: str) -> dict[str, str]:
    """Every kind of page a visitor can see, in the language of `prefix`."""
    get = lambda url, **kw: client.get(prefix + url, **kw).content.decode()  # noqa: E731
    post = lambda url, data=None: client.post(prefix + url, data or {}, **SAME_SITE)  # noqa: E731
    seen = {
        "home": get("/"),
        "privacy": get("/privacy/"),
        "guide eu": get("/guides/linkedin/?region=eu"),
        "guide us": get("/guides/linkedin/?region=us"),
        "guide other": get("/guides/linkedin/?region=other"),
        "old version": get("/guides/linkedin/v/1/"),
        "changes": get("/guides/linkedin/changes/"),
        "change": get("/guides/linkedin/changes/2/"),
        "empty checklist": get("/checklist/"),
        "delete, nothing stored": get("/checklist/delete/"),
        "not found": get("/no-such-page/"),
        "no code without a checklist": post("/checklist/code/").content.decode(),
        "bad report": post("/guides/linkedin/report/", {"step": "x"}).content.decode(),
        "report thanks": post(
            "/guides/linkedin/report/",
            {"version": 2, "step": 2, "surface": "web", "region": "eu", "text": ""},
        ).content.decode(),
    }
    post("/checklist/linkedin/ai-training/", {"state": "done", "region": "eu"})
    post("/checklist/linkedin/objection-form/", {"state": "waiting", "region": "eu"})
    client.post("/checklist/linkedin/research-use/", {"state": "done"}, **SAME_SITE)
    seen |= {
        "guide with ticks": get("/guides/linkedin/?region=eu"),
        "checklist": get("/checklist/"),
        "checklist with a code": post("/checklist/code/").content.decode(),
        "bad code": post("/checklist/resume/", {"code": "nope"}).content.decode(),
        "delete": get("/checklist/delete/"),
        "deleted": post("/checklist/delete/").content.decode(),
    }
    return seen


def test_every_interface_string_used_in_french_and_german_is_in_the_catalogues(shipped, misses):
    for language in LANGUAGES:
        pages(Client(), f"/{language}")
    assert misses == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_english_interface_text_in_french_or_german(shipped, language):
    english = pages(Client(), "")
    translated = pages(Client(), f"/{language}")
    assert english.keys() == translated.keys()
    for name, html in translated.items():
        assert f'<html lang="{language}">' in html, name
        left = {
            text
            for text in (texts(html) & texts(english[name])) - SAME_IN_EVERY_LANGUAGE
            if not re.fullmatch(r"Version \d+", text)  # the same word in all three
        }
        assert not left, f"{name}: {sorted(left)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogues_are_complete_with_matching_placeholders(language):
    path = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as file:
        catalog = read_po(file, locale=language)
    assert len(catalog) > 200
    placeholder = re.compile(r"%\(\w+\)[sd]|<[a-z/][^>]*>")
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        expected = sorted(placeholder.findall(ids[-1]))
        for string in strings:
            # Translations keep every placeholder and tag (attributes may be reordered).
            found = sorted(placeholder.findall(string))
            assert [p.split()[0] for p in found] == [p.split()[0] for p in expected], ids[0]


def test_dates_numbers_and_region_names_are_localised(shipped, client):
    fr = client.get("/fr/guides/linkedin/?region=eu").content.decode()
    de = client.get("/de/guides/linkedin/?region=eu").content.decode()
    en = client.get("/guides/linkedin/?region=eu").content.decode()
    assert "3 November 2025" in en
    assert "3 novembre 2025" in fr
    assert "3. November 2025" in de
    assert "UE et EEE" in fr or "l&#x27;UE" in fr
    assert "EU und EWR" in de or "EWR" in de


def test_the_language_comes_from_the_url_and_the_switcher_links_the_same_page(shipped, client):
    page = client.get("/de/guides/linkedin/?region=eu").content.decode()
    assert '<html lang="de">' in page
    switcher = re.search(r'<nav class="languages"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert 'href="/guides/linkedin/?region=eu"' in switcher
    assert 'href="/fr/guides/linkedin/?region=eu"' in switcher
    assert 'aria-current="true"' in switcher and "Deutsch" in switcher
    for code, path in (("en", "/guides/linkedin/"), ("fr", "/fr/guides/linkedin/")):
        assert f'<link rel="alternate" hreflang="{code}" href="http://testserver{path}">' in page
    assert 'hreflang="x-default" href="http://testserver/guides/linkedin/"' in page


def test_accept_language_is_a_first_guess_with_a_redirect(shipped):
    visitor = Client(headers={"accept-language": "de-CH,de;q=0.9,en;q=0.5"})
    response = visitor.get("/guides/linkedin/?region=ch")
    assert response.status_code == 302
    assert response["Location"] == "/de/guides/linkedin/?region=ch"
    assert "Accept-Language" in response["Vary"]
    # Choosing English in the switcher (a link from this site) keeps English.
    stay = visitor.get("/guides/linkedin/", headers={"referer": "http://testserver/de/"})
    assert stay.status_code == 200 and '<html lang="en">' in stay.content.decode()
    # Someone who prefers English, or sends nothing, is never redirected.
    for header in ("en-GB,en;q=0.9,fr;q=0.5", ""):
        response = Client(headers={"accept-language": header}).get("/guides/linkedin/")
        assert response.status_code == 200
    # Pages with a language in the URL keep it, whatever the header says.
    assert visitor.get("/fr/guides/linkedin/").status_code == 200


def test_the_page_cache_keeps_languages_apart(shipped, client):
    assert '<html lang="fr">' in client.get("/fr/guides/linkedin/").content.decode()
    assert '<html lang="en">' in client.get("/guides/linkedin/").content.decode()
    assert '<html lang="de">' in client.get("/de/guides/linkedin/").content.decode()


def test_change_summaries_are_translated_in_the_list_and_the_feed(shipped, client):
    page = client.get("/fr/guides/linkedin/changes/").content.decode()
    assert "L&#x27;étape 1 parle de mettre l&#x27;application à jour." in page
    feed = client.get("/de/guides/linkedin/changes/feed/").content.decode()
    assert "Schritt 1 erwähnt, die App zuerst zu aktualisieren." in feed
    assert GuideVersion.objects.public().count() == 2


def test_admin_stays_in_english_whatever_the_browser_asks(shipped, admin_client):
    page = admin_client.get("/admin/guides/guide/", headers={"accept-language": "fr"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="en"' in html and "Select guide to change" in html


def test_the_sitemap_lists_every_language_and_robots_keep_checklists_out(shipped, client):
    sitemap = client.get("/sitemap.xml").content.decode()
    for path in ("/guides/linkedin/", "/fr/guides/linkedin/", "/de/guides/linkedin/"):
        assert f"<loc>http://testserver{path}</loc>" in sitemap
    assert 'hreflang="de" href="http://testserver/de/guides/linkedin/"' in sitemap
    assert 'hreflang="x-default" href="http://testserver/guides/linkedin/"' in sitemap
    robots = client.get("/robots.txt").content.decode()
    for path in ("/checklist/", "/fr/checklist/", "/de/checklist/"):
        assert f"Disallow: {path}" in robots


def test_compiletranslations_compiles_catalogues_and_names_a_broken_one(settings, tmp_path):
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello"\nmsgstr "Bonjour"\n'
    )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    call_command("compiletranslations", verbosity=0)
    with (folder / "django.mo").open("rb") as file:
        assert GNUTranslations(file).gettext("Hello") == "Bonjour"
    (folder / "django.po").write_text('msgid "Hello"\nthis line is not a catalogue entry\n')
    with pytest.raises(CommandError, match=r"django\.po cannot be read"):
        call_command("compiletranslations", verbosity=0)


def test_the_checks_above_do_catch_an_untranslated_string(misses):
    from django.utils import translation

    with translation.override("fr"):
        assert translation.gettext("Skip to content") != "Skip to content"
        translation.gettext("A new interface string nobody has translated")
    assert misses == {"A new interface string nobody has translated"}
    html = '<html lang="fr"><p>Bonjour <code>?region=eu</code></p><p lang="en">Hello</p></html>'
    assert texts(html) == {"Bonjour"}

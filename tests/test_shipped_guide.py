"""The shipped LinkedIn guide: every claim cites a public source, and a new release reaches an
existing site as a new version through the product's own workflow."""

import re
import shutil
from io import StringIO
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape
from django.utils.translation import gettext, override

from optout.feedback.models import WatchedSource
from optout.guides.models import GuideVersion, Source, Translation
from optout.guides.regions import Region
from tests.factories import write_guide

SHIPPED = "content/linkedin"
# Copies of pages on other hosts that SOURCES.md names as "for reading only": never cite them.
READING_COPIES = {
    "proxy.tfdracing.nl", "design.onmedianet.com", "app.altruwe.org", "accionvegana.org",
    "rt.http3.lol", "guatda.com", "themearound.com", "gitea.it", "www.sipoch.com",
    "androidheadlinesom.pages.dev", "briefly.co", "stage.privacy-daily.com",
    "raw.githubusercontent.com",
}  # fmt: skip


@pytest.fixture
def shipped(db, settings):
    call_command("installguides", stdout=StringIO())
    return GuideVersion.objects.with_content().published().get(guide__slug="linkedin")


def test_every_published_source_has_a_publisher_and_its_own_https_address(shipped):
    sources = list(shipped.sources.all())
    assert sources
    for source in sources:
        assert source.publisher.strip(), source.key
        assert "unknown" not in source.publisher.lower(), source.key
        parts = urlsplit(source.url)
        assert parts.scheme == "https" and parts.netloc, source.key
        assert parts.netloc not in READING_COPIES, source.key


def test_every_step_answer_and_rule_cites_a_source_the_version_lists(shipped):
    keys = {source.key for source in shipped.sources.all()}
    cited = [*shipped.steps.all(), *shipped.faq_entries.all(), *shipped.region_rules.all()]
    for item in cited:
        assert item.source_keys, str(item)
        assert set(item.source_keys) <= keys, str(item)


def test_linkedins_own_pages_are_cited_first_wherever_they_are_cited(shipped):
    linkedin = {s.key for s in shipped.sources.all() if "linkedin.com" in urlsplit(s.url).netloc}
    for item in [*shipped.steps.all(), *shipped.faq_entries.all(), *shipped.region_rules.all()]:
        if linkedin & set(item.source_keys):
            assert item.source_keys[0] in linkedin, str(item)


def test_the_research_setting_is_explained_and_has_no_undated_guesses(shipped):
    research = shipped.sections.get(control__key="research-use")
    assert "Not an AI-training setting" in research.summary
    assert research.link == "https://www.linkedin.com/mypreferences/d/categories/privacy"
    assert not shipped.region_rules.filter(control__key="research-use").exists()


def test_canada_and_hong_kong_carry_no_date_that_only_the_press_gives(shipped):
    for rule in shipped.region_rules.filter(region__in=["ca", "hk"]):
        assert (rule.starts, rule.ends) == (None, None)
        assert "Press reports" in rule.note


def test_the_objection_text_asks_for_grounds_and_never_says_no_reason_is_needed(client, shipped):
    page = client.get("/guides/linkedin/").content.decode()
    assert "do not need to give a reason" not in page
    assert "on grounds relating to my particular situation" in page
    for language in ("fr", "de"):
        translated = client.get(f"/{language}/guides/linkedin/").content.decode()
        assert "raisons tenant à ma situation particulière" in translated or (
            "Gründen, die sich aus meiner besonderen Situation ergeben" in translated
        )


def test_translations_quote_our_own_buttons_exactly(shipped):
    english = "I sent it, waiting for an answer"
    steps = [s for s in shipped.steps.all() if f'"{english}"' in s.body_md]
    assert steps
    for language, (opening, closing) in {"fr": ("«\u00a0", "\u00a0»"), "de": ("„", "“")}.items():
        with override(language):
            label = gettext(english)
        assert label != english
        for step in steps:
            translated = Translation.objects.get(
                version=shipped, language=language, kind="step", object_id=step.pk
            )
            assert f"{opening}{label}{closing}" in translated.text["body_md"], language


def _first_appearances(page: str) -> list[int]:
    numbers = [int(n) for n in re.findall(r'class="cite"[^>]*>\[(\d+)\]</a>', page)]
    return list(dict.fromkeys(numbers))


@pytest.mark.parametrize("query", ["", "?region=eu", "?region=uk", "?region=other"])
@pytest.mark.parametrize("prefix", ["", "/fr", "/de"])
def test_citations_are_numbered_in_order_of_first_appearance(client, shipped, query, prefix):
    page = client.get(f"{prefix}/guides/linkedin/{query}").content.decode()
    first = _first_appearances(page)
    assert first == list(range(1, len(first) + 1))
    listed = [int(n) for n in re.findall(r'<span class="ref">\[(\d+)\]</span>', page)]
    assert listed == list(range(1, shipped.sources.count() + 1))


def test_each_citation_group_reads_in_ascending_order(client, shipped):
    page = client.get("/guides/linkedin/?region=uk").content.decode()
    for group in re.findall(r'(?:<a class="cite"[^>]*>\[\d+\]</a> ?)+', page):
        numbers = [int(n) for n in re.findall(r"\[(\d+)\]", group)]
        assert numbers == sorted(numbers)


def test_rule_notes_are_shown_in_the_overview_and_for_each_region(client, shipped):
    overview = client.get("/guides/linkedin/").content.decode()
    rules = list(shipped.region_rules.all())
    for rule in rules:
        assert escape(rule.note) in overview, rule
    for region in Region.values:
        page = client.get(f"/guides/linkedin/?region={region}").content.decode()
        for rule in (r for r in rules if r.region == region):
            assert escape(rule.note) in page, rule


def test_rule_notes_are_shown_in_french_in_the_overview(client, shipped):
    page = client.get("/fr/guides/linkedin/").content.decode()
    assert escape("sauf si vous désactivez") in page or "Royaume-Uni" in page
    note = Translation.objects.filter(version=shipped, language="fr", kind="rule").first()
    assert escape(note.text["note"]) in page


# Releases of the shipped guide on an existing site.


@pytest.fixture
def content_dir(db, settings, tmp_path):
    """A content folder holding an older shipped guide, installed as v1."""
    settings.CONTENT_DIR = tmp_path
    write_guide(tmp_path / "linkedin")
    call_command("installguides", stdout=StringIO())
    return tmp_path


def ship_current(content_dir, release: dict | None = "default") -> None:
    shutil.rmtree(content_dir / "linkedin")
    shutil.copytree(SHIPPED, content_dir / "linkedin")
    if release != "default":
        (content_dir / "linkedin" / "release.yaml").unlink()
        if release is not None:
            (content_dir / "linkedin" / "release.yaml").write_text(yaml.safe_dump(release))


def install() -> str:
    out = StringIO()
    call_command("installguides", stdout=out)
    return out.getvalue()


def test_a_fresh_site_gets_the_shipped_guide_as_version_1_in_one_step(shipped):
    assert (shipped.number, shipped.from_shipped_files) == (1, True)
    assert shipped.change_summary == "First version, from the shipped guide files."


def test_a_new_release_is_published_as_a_new_version_with_its_summary_and_rechecks(
    content_dir, client
):
    ship_current(content_dir)
    assert "Published the shipped guide 'linkedin' as v2." in install()
    v2 = GuideVersion.objects.published().get()
    release = yaml.safe_load((content_dir / "linkedin" / "release.yaml").read_text())
    assert (v2.number, v2.change_summary) == (2, release["summary"]["en"])
    assert v2.recheck_controls == release["recheck"] and v2.from_shipped_files
    changes = client.get("/de/guides/linkedin/changes/").content.decode()
    assert escape(release["summary"]["de"]) in changes
    # Starting again changes nothing.
    assert "is up to date (v2)" in install()
    assert GuideVersion.objects.count() == 2


def test_a_release_names_the_controls_visitors_must_check_again(content_dir):
    ship_current(content_dir, {"summary": {"en": "The form moved."}, "recheck": ["objection-form"]})
    install()
    v2 = GuideVersion.objects.published().get()
    assert (v2.change_summary, v2.recheck_controls) == ("The form moved.", ["objection-form"])


def test_a_release_waits_as_a_draft_when_editors_published_their_own_version(content_dir):
    v1 = GuideVersion.objects.published().get()
    fix = v1.copy_as_draft()
    fix.title = "Editor's title"
    fix.save()
    fix.publish("Editor's fix")
    ship_current(content_dir)
    assert "as a draft, not published: editors have published" in install()
    assert GuideVersion.objects.published().get().title == "Editor's title"
    assert GuideVersion.objects.drafts().count() == 1
    assert "waiting as a draft" in install()
    assert GuideVersion.objects.drafts().count() == 1


def test_without_release_notes_a_release_is_only_imported_as_a_draft(content_dir):
    ship_current(content_dir, release=None)
    assert "has no release.yaml" in install()
    assert GuideVersion.objects.published().get().number == 1
    assert GuideVersion.objects.drafts().count() == 1


@pytest.mark.parametrize(
    "release, field",
    [
        ({"summary": {"fr": "Seulement en français"}}, "summary"),
        ({"summary": {"en": "x"}, "recheck": ["nope"]}, "recheck"),
        ({"summary": {"en": "x", "xx": "y"}}, "summary.xx"),
        ({"summary": {"en": "x"}, "when": "now"}, "when"),
    ],
)
def test_bad_release_notes_are_refused_with_the_field_and_change_nothing(
    content_dir, release, field
):
    ship_current(content_dir, release=release)
    with pytest.raises(CommandError, match=f"release.yaml: {re.escape(field)}"):
        install()
    assert GuideVersion.objects.count() == 1


def test_watchsources_watches_the_cited_public_sources_and_names_those_it_cannot_reach(
    shipped, settings, monkeypatch
):
    from optout.feedback import watch

    public = {s.url for s in Source.objects.filter(version=shipped)}
    assert set(watch.watched_urls()) == public  # no source is a page behind the login

    def unreachable(url, timeout):
        raise OSError("no route to host")

    monkeypatch.setattr(watch, "fetch", unreachable)
    out = StringIO()
    call_command("watchsources", "--delay", "0", stdout=out)
    report = out.getvalue()
    assert f"Reached 0 of {len(public)} source(s)" in report
    assert f"Could not reach {len(public)} source(s) from this network:" in report
    assert "https://www.linkedin.com/help/linkedin/answer/a6278444 (no route to host)" in report
    assert WatchedSource.objects.filter(state="unreachable").count() == len(public)


@pytest.mark.django_db(transaction=True)
def test_a_site_installed_before_this_release_counts_its_version_1_as_shipped():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("guides", "0006_step_faq_file_names_no_raw_html")])
    apps = executor.loader.project_state([("guides", "0006_step_faq_file_names_no_raw_html")]).apps
    Platform = apps.get_model("guides", "Platform")
    Guide = apps.get_model("guides", "Guide")
    Version = apps.get_model("guides", "GuideVersion")
    guide = Guide.objects.create(platform=Platform.objects.create(slug="linkedin"), slug="linkedin")
    fields = {"guide": guide, "title": "t", "summary": "s", "intro_md": "i", "intro_html": "i"}
    Version.objects.create(
        number=1, status="retired", change_summary="First version, from the shipped guide files.",
        **fields,
    )  # fmt: skip
    Version.objects.create(number=2, status="published", change_summary="Editor's fix", **fields)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    flags = dict(GuideVersion.objects.values_list("number", "from_shipped_files"))
    assert flags == {1: True, 2: False}

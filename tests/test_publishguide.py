"""publishguide names the draft it publishes and takes translated change summaries."""

import io

import pytest
from django.core.management import CommandError, call_command

from optout.guides.content import create_draft, read_folder
from optout.guides.models import GuideVersion, Translation


def test_it_refuses_to_guess_between_two_open_drafts(published, guide_folder):
    first = published.copy_as_draft()
    second = published.copy_as_draft()
    with pytest.raises(CommandError, match="2 open drafts; say which one") as error:
        call_command("publishguide", "linkedin", "--summary", "x")
    assert f"--draft {first.pk}" in str(error.value) and f"--draft {second.pk}" in str(error.value)
    assert GuideVersion.objects.drafts().count() == 2


def test_it_publishes_the_draft_named_with_summaries_in_every_language(published):
    first = published.copy_as_draft()
    published.copy_as_draft()
    out = io.StringIO()
    call_command(
        "publishguide", "linkedin", "--draft", str(first.pk), "--summary", "Reworded a step",
        "--summary-fr", "Une étape reformulée", "--summary-de", "Ein Schritt umformuliert",
        stdout=out,
    )  # fmt: skip
    first.refresh_from_db()
    assert (first.number, first.change_summary) == (2, "Reworded a step")
    assert f"Published linkedin draft {first.pk} as version 2" in out.getvalue()
    summaries = Translation.objects.filter(version=first, kind="change")
    assert {t.language: t.text["change_summary"] for t in summaries} == {
        "fr": "Une étape reformulée",
        "de": "Ein Schritt umformuliert",
    }


def test_it_refuses_an_unknown_or_outdated_draft(published, guide_folder):
    with pytest.raises(CommandError, match="has no open draft 999"):
        call_command("publishguide", "linkedin", "--draft", "999", "--summary", "x")
    stale = create_draft(read_folder(guide_folder))
    published.copy_as_draft().publish("Version 2")
    with pytest.raises(CommandError, match="Version 2 was published after this draft"):
        call_command("publishguide", "linkedin", "--draft", str(stale.pk), "--summary", "x")
    assert GuideVersion.objects.get(pk=stale.pk).is_draft

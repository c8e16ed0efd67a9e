"""The content format is defined once (optout/guides/schema.py); the JSON Schema files in
docs/schema/ are generated from it, and the JSON of each version follows it."""

import json

import pytest
from django.core.management import CommandError, call_command

from optout.guides.management.commands.guideschema import rendered
from optout.guides.schema import GuideContent, VersionDocument


def test_the_json_schema_files_in_docs_match_the_models(db):
    call_command("guideschema", "--check")
    for path, text in rendered().items():
        assert path.read_text() == text, f"{path.name} is out of date: run manage.py guideschema"


def test_a_stale_schema_file_is_named(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError, match=r"Out of date: docs/schema/guide-version\.schema\.json"):
        call_command("guideschema", "--check")
    call_command("guideschema")
    call_command("guideschema", "--check")


def test_the_json_of_a_version_follows_the_schema(client, published):
    data = client.get("/guides/linkedin.json").json()
    document = VersionDocument.model_validate(data)
    assert document.format == "optout-guide/1"
    assert list(data)[:4] == ["format", "guide", "version", "current"]
    assert data["steps"][0]["body_html"].startswith("<p>")
    assert "slug" not in data
    schema = json.loads(rendered_schema("guide-version.schema.json"))
    assert set(schema["required"]) <= set(data)
    assert not set(data) - set(schema["properties"])


def rendered_schema(name: str) -> str:
    return next(text for path, text in rendered().items() if path.name == name)


def test_unknown_fields_in_the_json_are_refused():
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        GuideContent.model_validate({"colour": "blue"})

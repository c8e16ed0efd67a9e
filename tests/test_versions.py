import pytest
from django.db import IntegrityError, transaction

from optout.guides.content import create_draft, read_folder
from optout.guides.models import GuideVersion, Step, VersionLocked


def test_a_new_draft_has_no_number_and_is_not_public(draft):
    assert draft.number is None
    assert draft.is_draft
    assert not GuideVersion.objects.public().exists()


def test_publishing_numbers_versions_one_after_another(published, guide_folder):
    second = create_draft(read_folder(guide_folder))
    second.publish("Second.")
    published.refresh_from_db()
    assert (published.number, second.number) == (1, 2)
    assert published.status == GuideVersion.Status.RETIRED
    assert list(GuideVersion.objects.published()) == [second]


def test_the_database_refuses_a_second_published_version(published, guide_folder):
    second = create_draft(read_folder(guide_folder))
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideVersion.objects.filter(pk=second.pk).update(status="published", number=2)


def test_a_published_version_never_changes(published):
    published.title = "Changed"
    with pytest.raises(VersionLocked):
        published.save()
    with pytest.raises(VersionLocked):
        published.delete()
    step = published.steps.first()
    step.title = "Changed"
    with pytest.raises(VersionLocked):
        step.save()
    with pytest.raises(VersionLocked):
        step.delete()
    with pytest.raises(VersionLocked):
        Step.objects.create(
            version=published, control=step.control, order=99, title="New", body_md="x"
        )
    published.refresh_from_db()
    assert published.title != "Changed"


def test_a_version_cannot_be_published_twice(published):
    with pytest.raises(VersionLocked):
        published.publish("Again")


def test_drafts_can_be_edited(draft):
    step = draft.steps.first()
    step.body_md = "New *text*"
    step.save()
    assert Step.objects.get(pk=step.pk).body_html == "<p>New <em>text</em></p>"

"""Making an editor is one step: manage.py addeditor EMAIL [--publisher]."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from tests.conftest import ensure_roles


@pytest.fixture
def roles(db):
    ensure_roles()


def addeditor(*args) -> str:
    out = io.StringIO()
    call_command("addeditor", *args, "--noinput", stdout=out)
    return out.getvalue()


def test_it_creates_an_editor_who_can_sign_in_to_the_admin(roles):
    out = addeditor("Erin@Example.org")
    user = User.objects.get(email="Erin@Example.org")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert not user.has_usable_password()
    assert "now an Editor" in out and "manage.py changepassword Erin@Example.org" in out
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    assert user.has_perm("guides.change_step") and not user.has_perm("guides.publish_guideversion")


def test_it_makes_an_existing_account_a_publisher_and_back(roles):
    user = User.objects.create_user("paul", email="paul@example.org", password="pw")
    assert "now a Publisher" in addeditor("paul@example.org", "--publisher")
    user = User.objects.get(pk=user.pk)
    assert user.is_staff and user.has_perm("guides.publish_guideversion")
    assert user.has_usable_password()
    assert "(was in Publishers)" in addeditor("paul@example.org")
    user = User.objects.get(pk=user.pk)
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert User.objects.count() == 1


def test_it_refuses_bad_addresses_and_ambiguous_accounts(roles):
    with pytest.raises(CommandError, match="is not an email address"):
        addeditor("not-an-address")
    User.objects.create_user("a", email="same@example.org")
    User.objects.create_user("b", email="same@example.org")
    with pytest.raises(CommandError, match="Several accounts"):
        addeditor("same@example.org")
    assert not User.objects.filter(is_staff=True).exists()

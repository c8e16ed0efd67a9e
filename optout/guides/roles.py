"""The two editorial roles, groups made by a migration: Editors change drafts; Publishers also
publish, restore old versions and record checks. Being in either is what lets someone sign in
to the admin, so putting a person in one makes them staff."""

from django.contrib.auth.models import Group

EDITORS = "Editors"
PUBLISHERS = "Publishers"
ROLES = (EDITORS, PUBLISHERS)


def role_of(user) -> str | None:
    """ "Publishers", "Editors" or None."""
    names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    return PUBLISHERS if PUBLISHERS in names else EDITORS if EDITORS in names else None


def make_editor(user, *, publisher: bool = False) -> None:
    """Give `user` exactly one editorial role and let them sign in to the admin."""
    wanted = Group.objects.get(name=PUBLISHERS if publisher else EDITORS)
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=wanted.pk))
    user.groups.add(wanted)
    staff_if_editor(user)


def staff_if_editor(user) -> bool:
    """Make `user` staff if they have an editorial role; whether that changed anything."""
    if user.is_staff or role_of(user) is None:
        return False
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return True

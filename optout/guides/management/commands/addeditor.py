import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from optout.guides import roles


class Command(BaseCommand):
    help = (
        "Make someone an editor in one step: create their account (or use the one with this "
        "email address), put it in Editors (or Publishers with --publisher) and let it sign in "
        "to the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--publisher", action="store_true", help="may also publish, restore and record checks"
        )
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="do not ask for a password for a new account (set one later with "
            "manage.py changepassword)",
        )  # fmt: skip

    def handle(self, email: str, publisher: bool, interactive: bool, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        if not Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES):
            raise CommandError("The Editors and Publishers groups are missing: run migrate first.")
        User = get_user_model()
        found = list(User.objects.filter(email__iexact=email)) or list(
            User.objects.filter(username__iexact=email)
        )
        if len(found) > 1:
            names = ", ".join(user.get_username() for user in found)
            raise CommandError(f"Several accounts have the address {email}: {names}.")
        password = None
        if not found and interactive and sys.stdin.isatty():
            password = self._ask_password(User(username=email, email=email))
        with transaction.atomic():
            if found:
                user, created = found[0], False
            else:
                user, created = User(username=email, email=email), True
                if password:
                    user.set_password(password)
                else:
                    user.set_unusable_password()
                user.save()
            before = roles.role_of(user)
            roles.make_editor(user, publisher=publisher)
        role = "a Publisher" if publisher else "an Editor"
        what = "Created" if created else "Updated"
        self.stdout.write(
            f"{what} {user.get_username()}: now {role}"
            + (f" (was in {before})" if before and not created and before != roles.role_of(user)
               else "")
            + ", and may sign in to the admin."
        )  # fmt: skip
        if not user.has_usable_password():
            self.stdout.write(
                f"They have no password yet: set one with "
                f"manage.py changepassword {user.get_username()}"
            )

    def _ask_password(self, user) -> str:
        while True:
            password = getpass.getpass("Password for the new account: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                self.stderr.write("\n".join(exc.messages))
                continue
            return password

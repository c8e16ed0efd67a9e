from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from optout.checklists.models import Checklist


class Command(BaseCommand):
    help = "Delete visitors' checklists that nobody has used for CHECKLIST_RETENTION_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.CHECKLIST_RETENTION_DAYS)
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            help="Checklists deleted per transaction (default 200).",
        )

    def handle(self, days: int, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        count, longest = 0, 0.0
        for deleted, seconds in Checklist.objects.idle(days).delete_in_batches(batch_size):
            count, longest = count + deleted, max(longest, seconds)
        self.stdout.write(f"Deleted {count} checklist(s) not used for over {days} days.")
        if options["verbosity"] > 1:
            self.stdout.write(
                f"The longest batch took {longest * 1000:.0f} ms (its commit and any checkpoint)."
            )

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
            default=1000,
            help="Checklists deleted per transaction (default 1000).",
        )

    def handle(self, days: int, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        count = Checklist.objects.idle(days).delete_in_batches(batch_size)
        self.stdout.write(f"Deleted {count} checklist(s) not used for over {days} days.")

from django.conf import settings
from django.core.management.base import BaseCommand

from optout.checklists.models import Checklist


class Command(BaseCommand):
    help = "Delete visitors' checklists that nobody has used for CHECKLIST_RETENTION_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.CHECKLIST_RETENTION_DAYS)

    def handle(self, days: int, **options):
        idle = Checklist.objects.idle(days)
        count = idle.count()
        idle.delete()
        self.stdout.write(f"Deleted {count} checklist(s) not used for over {days} days.")

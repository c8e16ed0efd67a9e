from django.core.management.base import BaseCommand

from optout.feedback.models import WatchedSource
from optout.feedback.watch import USER_AGENT, watch_all, watched_urls


class Command(BaseCommand):
    help = (
        "Fetch each public source the published guides cite and record whether it changed, "
        "moved or vanished. Run it once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delay", type=float, default=2.0, help="seconds between requests")
        parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")

    def handle(self, delay: float, timeout: float, **options):
        urls = watched_urls()
        if not urls:
            self.stdout.write("No public sources to watch (pages behind a login are skipped).")
            return
        self.stdout.write(f"Checking {len(urls)} source(s) as '{USER_AGENT}'")
        results = watch_all(delay, timeout, log=self.stdout.write)
        unreachable = [s for s in results if s.state == WatchedSource.State.UNREACHABLE]
        flagged = [s for s in results if s.needs_attention]
        self.stdout.write(
            f"Reached {len(results) - len(unreachable)} of {len(results)} source(s); "
            f"{len(flagged)} need an editor's attention."
        )
        if unreachable:
            self.stdout.write(f"Could not reach {len(unreachable)} source(s) from this network:")
            for source in unreachable:
                self.stdout.write(f"  {source.url} ({source.detail})")

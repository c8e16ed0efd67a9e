"""gunicorn settings for bin/start and the Docker image.

- Workers that a slow client cannot hold: gunicorn's asyncio (ASGI) worker reads requests
  without tying up the worker, so a client that dribbles its headers or body costs a socket,
  not a worker, and Django runs each request once it has fully arrived (optout.asgi).
- One structured access-log line per request, without the client's address, query string,
  cookies or user agent; no IP address in the error log either (optout.logs).
- No control socket: gunicorn's default is one path per user, shared by every instance.
- Short garbage-collection pauses: a closed connection is let go at once, and what a worker loads
  at start is kept out of later collections (see below).
- The trusted proxies come from FORWARDED_ALLOW_IPS, gunicorn's own environment variable, which
  the app reads too (optout.settings).
"""

import gc

from gunicorn import glogging

from optout.logs import NoAddresses

worker_class = "asgi"
asgi_lifespan = "off"  # Django has no startup or shutdown hooks to run
accesslog = "-"
errorlog = "-"
access_log_format = 'method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s'
control_socket_disable = True

# When a client closes an idle keep-alive connection, let go of it at once. By default gunicorn
# keeps the connection's task for 3 seconds, a grace period for async apps to clean up (ours runs
# Django in a thread, which asgiref lets finish anyway). Kept that long, the objects of every
# closed connection outlived the young garbage-collection generations and piled up for full
# collections that stopped a worker for 0.2-0.4 s, and any tick that came to it or waited for the
# database behind it (bench/purge.py; README, "Measured here").
asgi_disconnect_grace_period = 0


def post_worker_init(worker):
    """Django and every library are loaded: keep their objects (about 70,000) out of all later
    garbage collections, which then look only at what requests leave behind."""
    gc.collect()
    gc.freeze()


# gunicorn's lines about where it listens name the server's address, never a client's.
_OWN_ADDRESS = ("Listening at: ", "ASGI server listening on ")


class Logger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, NoAddresses) for f in self.error_log.filters):
            self.error_log.addFilter(NoAddresses(keep=_OWN_ADDRESS))


logger_class = Logger

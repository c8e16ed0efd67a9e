"""gunicorn settings for bin/start and the Docker image.

- Workers that a slow client cannot hold: gunicorn's asyncio (ASGI) worker reads requests
  without tying up the worker, so a client that dribbles its headers or body costs a socket,
  not a worker, and Django runs each request once it has fully arrived (optout.asgi).
- One structured access-log line per request, without the client's address, query string,
  cookies or user agent; no IP address in the error log either (optout.logs).
- No control socket: gunicorn's default is one path per user, shared by every instance.
- The trusted proxies come from FORWARDED_ALLOW_IPS, gunicorn's own environment variable, which
  the app reads too (optout.settings).
"""

from gunicorn import glogging

from optout.logs import NoAddresses

worker_class = "asgi"
asgi_lifespan = "off"  # Django has no startup or shutdown hooks to run
accesslog = "-"
errorlog = "-"
access_log_format = 'method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s'
control_socket_disable = True


# gunicorn's lines about where it listens name the server's address, never a client's.
_OWN_ADDRESS = ("Listening at: ", "ASGI server listening on ")


class Logger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, NoAddresses) for f in self.error_log.filters):
            self.error_log.addFilter(NoAddresses(keep=_OWN_ADDRESS))


logger_class = Logger

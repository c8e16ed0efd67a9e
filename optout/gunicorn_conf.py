"""gunicorn settings: one structured access-log line per request, without the client's address,
query string, cookies or user agent."""

accesslog = "-"
errorlog = "-"
access_log_format = 'method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s'
forwarded_allow_ips = "127.0.0.1"

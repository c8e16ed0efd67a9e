"""Keep IP addresses out of every log line (gunicorn's error log and Django's log).

The access log is written without addresses (optout.gunicorn_conf); other lines can still name
one, such as gunicorn's warning about a malformed request, which gives the client's address.
This filter replaces every IP address in a record's message and traceback with "[address]".
"""

import ipaddress
import logging
import re

# Anything that could be an IPv4 or IPv6 address (a port or brackets around it are left alone);
# ipaddress decides which of them are.
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(
    r"(?<![\w.:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,8}(?:\.[\d.]+)?(?:%\w+)?(?![\w.])"
)
REDACTED = "[address]"


def _replace(match: re.Match) -> str:
    text = match.group(0)
    # "ip=2001:db8::1: error" ends in the colon of the sentence, not of the address.
    for candidate, rest in (
        (text, ""),
        (text.rstrip(":"), ":" * (len(text) - len(text.rstrip(":")))),
    ):
        try:
            ipaddress.ip_address(candidate.split("%")[0])
        except ValueError:
            continue
        return REDACTED + rest
    return text


def redact_addresses(text: str) -> str:
    return _IPV6.sub(_replace, _IPV4.sub(_replace, text))


class NoAddresses(logging.Filter):
    def __init__(self, keep: tuple[str, ...] = ()):
        super().__init__()
        self.keep = keep  # messages that start with these name no client (the server's own address)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(self.keep):
            return True
        record.msg, record.args = redact_addresses(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_addresses(record.exc_text)
        return True

"""A bare ASGI app for testing the app server's own settings (optout.gunicorn_conf) on their own:
it answers every request with what its worker holds in memory."""

import gc
import json


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    gc.collect()  # what is left is held, not garbage waiting for a collection
    state = {
        # Objects kept out of garbage collection (gc.freeze).
        "frozen": gc.get_freeze_count(),
        # Client connections the worker still holds, this request's own included.
        "connections": sum(type(o).__name__ == "ASGIProtocol" for o in gc.get_objects()),
    }
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(state).encode()})

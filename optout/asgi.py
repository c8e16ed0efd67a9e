"""ASGI entry point for gunicorn's asyncio workers (see optout.gunicorn_conf).

The site is plain synchronous Django. asgiref's WsgiToAsgi reads each request (headers and body)
without holding the worker, then runs the whole request through the WSGI handler in one thread
hop; Django's own ASGI handler would hop between the event loop and a thread around every
middleware.
"""

import os

from asgiref.wsgi import WsgiToAsgi
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "optout.settings")

application = WsgiToAsgi(get_wsgi_application())

"""ASGI entry point: gunicorn's asyncio worker serves this (see optout.gunicorn_conf)."""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "optout.settings")

# Files (whitenoise's static files, uploaded screenshots) are read in a thread under ASGI, as
# Django says once per process; that is fine for files this small.
warnings.filterwarnings("ignore", "StreamingHttpResponse must consume synchronous iterators")

application = get_asgi_application()

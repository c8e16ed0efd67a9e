# syntax=docker/dockerfile:1
# optout: multi-stage image. Dependencies come from the lock (requirements/base.txt).

FROM python:3.13.9-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN python -m venv /venv
COPY requirements/base.txt requirements/base.txt
RUN /venv/bin/pip install --require-hashes -r requirements/base.txt
COPY . .
# Translations are compiled and static files collected at build time, with a throw-away key.
RUN SECRET_KEY=build-only DATA_DIR=/tmp/build-data /venv/bin/python manage.py compiletranslations \
    && SECRET_KEY=build-only DATA_DIR=/tmp/build-data /venv/bin/python manage.py collectstatic --noinput -v 0

FROM python:3.13.9-slim-bookworm
ENV PATH="/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    BIND=0.0.0.0:8000
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin optout \
    && mkdir -p /data/media && chown -R optout /data
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build --chown=root:root /app /app
USER 10001
VOLUME ["/data"]
EXPOSE 8000
# Asks the port gunicorn listens on (BIND); /healthz answers under any Host, whatever ALLOWED_HOSTS says.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('BIND', ':8000').rpartition(':')[2]; sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status != 200)"]
CMD ["bin/start"]

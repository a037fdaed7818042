# syntax=docker/dockerfile:1
# pyapp-slim: the same app done right (layerscope sample). Build context filtered by
# pyapp-slim.dockerignore. Only the final stage's instructions appear in the image history:
# layers 0-2 come from the base image, layers 3-6 are the four layer-creating lines of stage 2.
FROM python:3.11-slim-bookworm AS build
RUN python3 -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm
LABEL maintainer="api-team@example.invalid" org.opencontainers.image.title="acme-orders-api"
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 1000 --no-create-home app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=1000:1000 . /app
ENV PATH=/opt/venv/bin:/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://localhost:8000/health || exit 1
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]

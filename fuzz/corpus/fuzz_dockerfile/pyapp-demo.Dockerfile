# pyapp-demo: the careless FastAPI/uvicorn/Celery image of the layerscope quickstart.
# Layers 0-2 come from the base image; every later layer is one instruction below.
# It runs as root and has no HEALTHCHECK.
FROM python:3.11-bookworm
LABEL org.opencontainers.image.title="acme-orders-api" org.opencontainers.image.version="1.4.2"
ENV PYTHONUNBUFFERED=1 APP_HOME=/app
RUN apt-get update && apt-get install -y build-essential g++ libpq-dev git vim curl
WORKDIR /app
# no .dockerignore: .git, .env, tests, docs, notebooks and a 11 MB CSV are copied in
COPY . /app
ARG PIP_INDEX_URL=https://pypi.org/simple
ARG APP_VERSION=1.4.2
# pip's http and wheel caches (over 100 MB) stay in the layer; torch comes along as a dependency
RUN pip install --index-url $PIP_INDEX_URL -r requirements.txt
RUN python -m compileall -q /app
# the tarball is deleted by the next RUN, so its 60 MB stay in this layer for good
RUN curl -fsSL -o /tmp/model.tar.gz https://models.example.invalid/orders/model-$APP_VERSION.tar.gz
RUN mkdir -p /opt/models && tar -xzf /tmp/model.tar.gz -C /opt/models && rm /tmp/model.tar.gz
# chown -R copies all of /app (git pack, CSV, notebooks included) up again
RUN chown -R 1000:1000 /app
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]

# pyapp-bloated: a deliberately careless FastAPI image (layerscope sample).
# Layers 0-2 come from the base image; every later layer is one instruction below.
FROM python:3.11-slim-bookworm
LABEL maintainer="api-team@example.invalid" org.opencontainers.image.title="acme-orders-api"
ENV PYTHONUNBUFFERED=1 APP_HOME=/app PIP_INDEX_URL=http://127.0.0.1:18765/simple PIP_TRUSTED_HOST=127.0.0.1
# layer 3: apt lists and .deb files stay in the layer; a whole toolchain for one wheel
RUN apt-get update && apt-get install -y build-essential gcc libc6-dev curl git
WORKDIR /app
# layer 5: no .dockerignore, so .git, .env, tests, docs and a deploy key come along
COPY . /app
# layer 6: pip keeps its http and wheel caches in /root/.cache/pip
RUN pip install -r requirements.txt
RUN python3 -m compileall -q /app
# layer 8: the tarball stays in this layer even though layer 9 deletes it
RUN curl -fsSL -o /tmp/model.tar.gz http://127.0.0.1:18765/artifacts/model.tar.gz && mkdir -p /opt/models && tar -xzf /tmp/model.tar.gz -C /opt/models
# layer 9: deleting in a later layer only adds whiteouts; the bytes stay in layers 3, 5 and 8
RUN rm -rf /tmp/model.tar.gz /app/tests /usr/share/doc/*
# layer 10: chown -R copies every file of /app up again, owned by 1000:1000
RUN useradd -m -u 1000 app && chown -R app:app /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD curl -fsS http://localhost:8000/health || exit 1
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]

# The portal's production image: one image for `portal serve`, `portal worker` and the
# one-shot `portal db upgrade`. docker-compose.yml shows how they fit together.

# --- Stage 1: front-end assets (GOV.UK Frontend, compiled Sass) -----------------------
# linux/amd64 because package-lock.json also pins the x64-only Meilisearch binary that
# `make run` uses; the assets built here are the same on every platform.
FROM --platform=linux/amd64 node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY assets/ assets/
COPY scripts/copy-assets.mjs scripts/copy-assets.mjs
RUN npm run build

# --- Stage 2: the Python application --------------------------------------------------
FROM python:3.11-slim-bookworm

# PYTHONPATH=/app: the code finds templates/, migrations/, search/ and alembic.ini next
# to the app/ package (config.PROJECT_ROOT), so /app/app must be what `import app`
# loads, rather than the copy that `pip install .` puts in site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Installs the `portal` command; the dependencies are already in place.
COPY pyproject.toml ./
COPY app/ app/
RUN pip install --no-deps . && rm -rf build portal.egg-info

COPY templates/ templates/
COPY migrations/ migrations/
COPY search/ search/
COPY alembic.ini ./
COPY --from=assets /build/app/static/build/ app/static/build/

# The code stays owned by root and read-only to the process.
RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin portal
USER portal

EXPOSE 8000
CMD ["portal", "serve", "--host", "0.0.0.0", "--port", "8000"]

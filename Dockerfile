# pgreview as a container image, for GitLab CI and local use:
#
#   docker build -t pgreview .
#   docker run --rm -v "$PWD:/repo" -v /var/run/docker.sock:/var/run/docker.sock pgreview review /repo
#
# The review starts the repo's Postgres as a sibling container through the
# mounted socket and reaches it at whichever address answers first (the
# bridge gateway, the container's own address, or only the host in
# TESTCONTAINERS_HOST_OVERRIDE); see "Running pgreview in Docker" in the
# README. Build arguments:
#   GO_IMAGE, BASE_IMAGE  the builder and runtime bases (Debian bookworm, so
#                         the cgo binary finds the glibc it was built for)
#   WITH_PYTHON=1         add python3 and Debian's Alembic/SQLAlchemy/psycopg
#                         for repos whose migrations are Alembic's
#   VERSION               what `pgreview version` prints
# Without a registry, scripts/pgreview-image/build-offline.sh builds this
# file from local stand-ins for both bases.
ARG GO_IMAGE=golang:1.26-bookworm
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=v0.1.0-dev
# cgo: pg_query_go compiles PostgreSQL's parser into the binary.
RUN CGO_ENABLED=1 go build -trimpath \
        -ldflags "-s -w -X github.com/pgreview/pgreview/internal/cli.Version=${VERSION}" \
        -o /out/pgreview ./cmd/pgreview \
    && /out/pgreview version

FROM ${BASE_IMAGE}
ARG WITH_PYTHON=0
# git lists the reviewed repo's files; the mounted checkout belongs to
# another user, which git refuses unless told the directory is safe.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates git \
    && if [ "$WITH_PYTHON" = 1 ]; then \
        apt-get install -y --no-install-recommends python3 python3-venv python3-pip \
            python3-alembic python3-sqlalchemy python3-psycopg2 python3-psycopg; \
    fi \
    && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
    && git config --system --add safe.directory '*'
COPY --from=build /out/pgreview /usr/local/bin/pgreview
WORKDIR /repo
ENTRYPOINT ["pgreview"]
CMD ["review", "/repo"]

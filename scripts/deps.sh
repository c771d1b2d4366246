#!/bin/bash
# Install (or name) what pgreview's tests and demo need on a Debian/Ubuntu
# machine: the PostgreSQL server binaries, Debian's Alembic stack for the
# Alembic fixtures, debootstrap for the offline Postgres image, and the Go
# modules. Run as root to install; otherwise it says what is missing.
set -euo pipefail

need_pkgs=()
have_pg_bins() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }
have_pg_bins || need_pkgs+=(postgresql)
command -v psql >/dev/null 2>&1 || need_pkgs+=(postgresql-client)
/usr/bin/python3 -c 'import alembic, sqlalchemy, psycopg2, psycopg' >/dev/null 2>&1 ||
	need_pkgs+=(python3-alembic python3-sqlalchemy python3-psycopg2 python3-psycopg)
if [ "${PGREVIEW_NEED_DOCKER_IMAGE:-1}" = 1 ]; then
	command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
fi
command -v git >/dev/null 2>&1 || need_pkgs+=(git)
# Compressed init dumps (.sql.xz, .sql.zst) are read through these.
command -v xz >/dev/null 2>&1 || need_pkgs+=(xz-utils)
command -v zstd >/dev/null 2>&1 || need_pkgs+=(zstd)

if [ ${#need_pkgs[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps: apt-get install ${need_pkgs[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
	else
		echo "deps: missing Debian packages: ${need_pkgs[*]}" >&2
		echo "      install them with: sudo apt-get install ${need_pkgs[*]}" >&2
		exit 1
	fi
fi

command -v go >/dev/null 2>&1 || { echo "deps: Go is missing; install Go 1.26 (https://go.dev/dl)" >&2; exit 1; }
go mod download
echo "deps: ok"

#!/bin/bash
# A small stand-in for the official postgres image's entrypoint, for images
# built offline from Debian packages (see build.sh). Like the official one
# it honours POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB,
# POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR, POSTGRES_HOST_AUTH_METHOD
# and PGDATA (and the *_FILE variants of the first four), runs
# /docker-entrypoint-initdb.d scripts on first start (*.sh, *.sql,
# *.sql.gz, in sorted order; sourced *.sh scripts can call
# docker_process_sql) and passes server flags through:
# `docker run img -c fsync=off`.
set -Eeo pipefail

if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

# file_env VAR: VAR from $VAR, or from the file named by $VAR_FILE.
file_env() {
	local var="$1" fileVar="${1}_FILE"
	if [ -n "${!var:-}" ] && [ -n "${!fileVar:-}" ]; then
		echo "error: both $var and $fileVar are set (but are exclusive)" >&2
		exit 1
	fi
	if [ -n "${!fileVar:-}" ]; then
		export "$var"="$(<"${!fileVar}")"
	fi
}

export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
file_env POSTGRES_PASSWORD
file_env POSTGRES_USER
file_env POSTGRES_DB
file_env POSTGRES_INITDB_ARGS
export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

run_as_postgres() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=postgres --regid=postgres --init-groups "$@"
	else
		"$@"
	fi
}

# docker_process_sql runs SQL from stdin or -f FILE as POSTGRES_USER in
# POSTGRES_DB (or --dbname), as the official image's helper does.
docker_process_sql() {
	local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	if [ -n "$POSTGRES_DB" ]; then
		query_runner+=(--dbname "$POSTGRES_DB")
	fi
	PGHOST= PGHOSTADDR= "${query_runner[@]}" "$@"
}

init_cluster() {
	mkdir -p "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA" || true
	chmod 3777 /var/run/postgresql || true
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres:postgres "$PGDATA" /var/run/postgresql
	fi
	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
		echo "error: database is uninitialized and POSTGRES_PASSWORD is not set" >&2
		echo "       set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust" >&2
		exit 1
	fi
	local pwfile waldir=()
	pwfile="$(mktemp)"
	printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
	chmod 644 "$pwfile"
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		[ "$(id -u)" != 0 ] || chown postgres:postgres "$POSTGRES_INITDB_WALDIR"
		waldir=(--waldir "$POSTGRES_INITDB_WALDIR")
	fi
	# shellcheck disable=SC2086
	run_as_postgres initdb --username="$POSTGRES_USER" --pwfile="$pwfile" "${waldir[@]}" $POSTGRES_INITDB_ARGS
	rm -f "$pwfile"
	local method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
	printf '\nhost all all all %s\n' "$method" >>"$PGDATA/pg_hba.conf"
	echo "listen_addresses = '*'" >>"$PGDATA/postgresql.auto.conf"

	# A temporary server on the unix socket only, as the official image does,
	# so init scripts run before clients can connect over TCP.
	run_as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
	export PGPASSWORD="${POSTGRES_PASSWORD:-}"
	if [ "$POSTGRES_DB" != postgres ]; then
		POSTGRES_DB=postgres docker_process_sql --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
	fi
	local f
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
		*.sh)
			echo "$0: running $f"
			if [ -x "$f" ]; then "$f"; else . "$f"; fi
			;;
		*.sql) echo "$0: running $f"; docker_process_sql -f "$f" ;;
		*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | docker_process_sql ;;
		*) echo "$0: ignoring $f" ;;
		esac
	done
	unset PGPASSWORD
	run_as_postgres pg_ctl -D "$PGDATA" -m fast -w stop
	echo "PostgreSQL init process complete; ready for start up."
}

if [ "$1" = postgres ]; then
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		init_cluster
	fi
	if [ "$(id -u)" = 0 ]; then
		exec setpriv --reuid=postgres --regid=postgres --init-groups "$@"
	fi
fi
exec "$@"

#!/bin/bash
# A small stand-in for the official postgres image's entrypoint, for images
# built offline from Debian packages (see build.sh). It honours
# POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD and PGDATA, runs /docker-entrypoint-initdb.d
# scripts on first start (*.sh, *.sql, *.sql.gz, in sorted order, like the
# official image) and passes server flags through: `docker run img -c fsync=off`.
set -Eeo pipefail

if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

run_as_postgres() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=postgres --regid=postgres --init-groups "$@"
	else
		"$@"
	fi
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
	local pwfile
	pwfile="$(mktemp)"
	printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
	chmod 644 "$pwfile"
	# shellcheck disable=SC2086
	run_as_postgres initdb --username="$POSTGRES_USER" --pwfile="$pwfile" $POSTGRES_INITDB_ARGS >/dev/null
	rm -f "$pwfile"
	local method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
	printf '\nhost all all all %s\n' "$method" >>"$PGDATA/pg_hba.conf"
	echo "listen_addresses = '*'" >>"$PGDATA/postgresql.auto.conf"

	# A temporary server on the unix socket only, as the official image does,
	# so init scripts run before clients can connect.
	run_as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
	export PGPASSWORD="${POSTGRES_PASSWORD:-}"
	local psql=(psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --username "$POSTGRES_USER" --dbname postgres)
	if [ "$POSTGRES_DB" != postgres ]; then
		"${psql[@]}" --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
	fi
	psql+=(--dbname "$POSTGRES_DB")
	local f
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
		*.sh)
			echo "$0: running $f"
			if [ -x "$f" ]; then "$f"; else . "$f"; fi
			;;
		*.sql) echo "$0: running $f"; "${psql[@]}" -f "$f" ;;
		*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "${psql[@]}" ;;
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

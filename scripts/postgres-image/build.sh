#!/bin/bash
# Build a PostgreSQL server image from Debian packages, with no container
# registry at all: debootstrap a root file system, add postgresql-<major>
# and our entrypoint, and `docker import` it. Useful for air-gapped runners
# and for this project's CI, whose Docker engine cannot pull images.
#
#   scripts/postgres-image/build.sh [major] [tag...]
#
# The default major is 15 and the default tags are postgres:<major> and
# postgres:<major>-alpine (the names our fixtures use). An existing image
# with the first tag is reused unless REBUILD=1. The debootstrap'd root is
# cached as a tarball under ${PGREVIEW_IMAGE_CACHE:-$HOME/.cache/pgreview}.
set -euo pipefail

major="${1:-15}"
shift || true
tags=("$@")
if [ ${#tags[@]} -eq 0 ]; then
	tags=("postgres:$major" "postgres:$major-alpine")
fi
here="$(cd "$(dirname "$0")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite="${DEBIAN_SUITE:-bookworm}"
cache="${PGREVIEW_IMAGE_CACHE:-$HOME/.cache/pgreview}"
tarball="$cache/postgres-$major-$suite-rootfs.tar"

if [ "${REBUILD:-0}" != 1 ] && docker image inspect "${tags[0]}" >/dev/null 2>&1; then
	echo "image ${tags[0]} already present"
	for t in "${tags[@]:1}"; do docker tag "${tags[0]}" "$t"; done
	exit 0
fi

if [ ! -s "$tarball" ] || [ "${REBUILD:-0}" = 1 ]; then
	command -v debootstrap >/dev/null || {
		echo "debootstrap is missing: apt-get install -y debootstrap" >&2
		exit 1
	}
	mkdir -p "$cache"
	root="$(mktemp -d)"
	trap 'rm -rf "$root"' EXIT
	echo "debootstrap $suite with postgresql-$major into $root (a few minutes)"
	debootstrap --variant=minbase \
		--include="postgresql-$major,locales,ca-certificates" \
		"$suite" "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
		echo "debootstrap failed; see $cache/debootstrap.log" >&2
		tail -20 "$cache/debootstrap.log" >&2
		exit 1
	}
	# The Debian package creates a cluster we do not want: the entrypoint
	# creates its own in $PGDATA on first start.
	rm -rf "$root/var/lib/postgresql/$major" "$root/etc/postgresql/$major"
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
	install -m 0755 "$here/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
	mkdir -p "$root/docker-entrypoint-initdb.d" "$root/var/lib/postgresql/data"
	chroot "$root" chown -R postgres:postgres /var/lib/postgresql
	tar -C "$root" -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$root"
	trap - EXIT
fi

echo "docker import $tarball as ${tags[*]}"
id="$(docker import \
	--change "ENV PATH=/usr/lib/postgresql/$major/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	--change "ENV PGDATA=/var/lib/postgresql/data" \
	--change "ENV LANG=C.UTF-8" \
	--change "ENV PG_MAJOR=$major" \
	--change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
	--change 'CMD ["postgres"]' \
	--change 'EXPOSE 5432' \
	--change 'VOLUME /var/lib/postgresql/data' \
	"$tarball")"
for t in "${tags[@]}"; do docker tag "$id" "$t"; done
echo "built ${tags[*]}"

#!/bin/bash
# Build a PostgreSQL server image from Debian packages, with no container
# registry at all: debootstrap a root file system with postgresql-<major>,
# `docker import` it, and add our entrypoint with a `docker build` FROM that
# local image. Useful for air-gapped runners and for this project's CI,
# whose Docker engine cannot pull images.
#
#   scripts/postgres-image/build.sh [major] [tag...]
#
# The default major is 15 and the default tags are postgres:<major> and
# postgres:<major>-alpine, the names our fixtures use. (The -alpine tag is
# a stand-in: the image is Debian, as every image this script builds.)
#
# Majors: Debian ships one PostgreSQL per release, so 13 (bullseye),
# 15 (bookworm) and 17 (trixie) can be built from deb.debian.org. Other
# majors live only in the PGDG repository (apt.postgresql.org), which this
# script does not use: pull the official image, or set DEBIAN_SUITE and
# DEBIAN_MIRROR to a Debian-style mirror that has postgresql-<major>.
#
# Idempotent: an image whose recipe label matches this script and its
# entrypoint is kept (REBUILD=1 forces a build). The debootstrap'd root is
# cached as a tarball under ${PGREVIEW_IMAGE_CACHE:-$HOME/.cache/pgreview},
# so a rebuild after an entrypoint change takes seconds.
set -euo pipefail

major="${1:-15}"
shift || true
tags=("$@")
if [ ${#tags[@]} -eq 0 ]; then
	tags=("postgres:$major" "postgres:$major-alpine")
fi
here="$(cd "$(dirname "$0")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${PGREVIEW_IMAGE_CACHE:-$HOME/.cache/pgreview}"

suite="${DEBIAN_SUITE:-}"
if [ -z "$suite" ]; then
	case "$major" in
	13) suite=bullseye ;;
	15) suite=bookworm ;;
	17) suite=trixie ;;
	*)
		echo "build.sh: Debian has no postgresql-$major (it ships 13 in bullseye, 15 in bookworm, 17 in trixie)." >&2
		echo "          Pull postgres:$major where a registry is reachable, or set DEBIAN_SUITE (and DEBIAN_MIRROR)" >&2
		echo "          to a suite and mirror that have postgresql-$major." >&2
		exit 2
		;;
	esac
fi
tarball="$cache/postgres-$major-$suite-rootfs.tar"
rootfs_image="pgreview/postgres-rootfs:$major-$suite"

# The recipe: what the image is built from besides the Debian packages.
recipe="$(cat "$here/build.sh" "$here/Dockerfile" "$here/docker-entrypoint.sh" | sha256sum | cut -c1-16)"

have="$(docker image inspect --format '{{index .Config.Labels "org.pgreview.recipe"}}' "${tags[0]}" 2>/dev/null || true)"
if [ "${REBUILD:-0}" != 1 ] && [ "$have" = "$recipe" ]; then
	echo "image ${tags[0]} is up to date (recipe $recipe)"
	for t in "${tags[@]:1}"; do docker tag "${tags[0]}" "$t"; done
	exit 0
fi

if [ ! -s "$tarball" ] || [ "${REBUILD:-0}" = 1 ]; then
	command -v debootstrap >/dev/null || {
		echo "build.sh: debootstrap is missing: apt-get install -y debootstrap" >&2
		exit 1
	}
	mkdir -p "$cache"
	root="$(mktemp -d)"
	trap 'rm -rf "$root"' EXIT
	echo "debootstrap $suite with postgresql-$major into $root (a few minutes)"
	debootstrap --variant=minbase \
		--include="postgresql-$major,locales,ca-certificates" \
		"$suite" "$root" "$mirror" >"$cache/debootstrap-$major-$suite.log" 2>&1 || {
		echo "build.sh: debootstrap failed; see $cache/debootstrap-$major-$suite.log" >&2
		tail -20 "$cache/debootstrap-$major-$suite.log" >&2
		exit 1
	}
	# The Debian package creates a cluster we do not want: the entrypoint
	# creates its own in $PGDATA on first start.
	rm -rf "$root/var/lib/postgresql/$major" "$root/etc/postgresql/$major"
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
	mkdir -p "$root/docker-entrypoint-initdb.d" "$root/var/lib/postgresql/data" "$root/var/run/postgresql"
	chroot "$root" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
	tar -C "$root" -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$root"
	trap - EXIT
	docker image rm "$rootfs_image" >/dev/null 2>&1 || true
fi

if [ "${REBUILD:-0}" = 1 ] || ! docker image inspect "$rootfs_image" >/dev/null 2>&1; then
	echo "docker import $tarball as $rootfs_image"
	docker import "$tarball" "$rootfs_image" >/dev/null
fi

# The classic builder reads FROM from the local image store; BuildKit may
# ask a registry about it, so it is only the fallback (for engines that
# dropped the classic builder).
tag_args=()
for t in "${tags[@]}"; do tag_args+=(-t "$t"); done
build_args=(build -q --build-arg "BASE=$rootfs_image" --build-arg "PG_MAJOR=$major"
	--label "org.pgreview.recipe=$recipe" --label "org.pgreview.debian-suite=$suite"
	"${tag_args[@]}" "$here")
log="$(mktemp)"
if ! DOCKER_BUILDKIT=0 docker "${build_args[@]}" >/dev/null 2>"$log" &&
	! docker "${build_args[@]}" >/dev/null 2>>"$log"; then
	echo "build.sh: docker build of ${tags[0]} failed:" >&2
	cat "$log" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
echo "built ${tags[*]} (PostgreSQL $major from Debian $suite, recipe $recipe)"

#!/bin/bash
# Build pgreview's image (the top-level Dockerfile, unchanged) where no
# container registry can be reached: its two base images are replaced by
# local stand-ins, passed as build arguments.
#   BASE_IMAGE  a minbase Debian bookworm root (debootstrap, cached as a
#               tarball), imported as pgreview/debian-rootfs:bookworm
#   GO_IMAGE    that root plus gcc, libc6-dev and git from Debian, this
#               machine's Go toolchain (go env GOROOT) and this machine's CA
#               bundle (HOST_CA_BUNDLE), so that it trusts a TLS-inspecting
#               proxy the way the machine does
# The build still fetches Debian packages (deb.debian.org) and Go modules
# (the Go module proxy); only the registry is avoided.
#
#   scripts/pgreview-image/build-offline.sh [tag] [docker build args...]
#   e.g. scripts/pgreview-image/build-offline.sh pgreview:dev --build-arg WITH_PYTHON=1
set -euo pipefail

tag="${1:-pgreview:dev}"
shift || true
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${PGREVIEW_IMAGE_CACHE:-$HOME/.cache/pgreview}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
tarball="$cache/debian-$suite-minbase-rootfs.tar"
base="pgreview/debian-rootfs:$suite"

if [ ! -s "$tarball" ]; then
	command -v debootstrap >/dev/null || {
		echo "build-offline.sh: debootstrap is missing: apt-get install -y debootstrap" >&2
		exit 1
	}
	mkdir -p "$cache"
	root="$(mktemp -d)"
	trap 'rm -rf "$root"' EXIT
	echo "debootstrap a minbase $suite into $root"
	debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$mirror" >"$cache/debootstrap-$suite-minbase.log" 2>&1 || {
		echo "build-offline.sh: debootstrap failed; see $cache/debootstrap-$suite-minbase.log" >&2
		exit 1
	}
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
	tar -C "$root" -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$root"
	trap - EXIT
	docker image rm "$base" >/dev/null 2>&1 || true
fi
if ! docker image inspect "$base" >/dev/null 2>&1; then
	echo "docker import $tarball as $base"
	docker import "$tarball" "$base" >/dev/null
fi

goroot="$(go env GOROOT)"
goversion="$(go env GOVERSION)"
ca_bundle="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
ca_sum="$(sha256sum "$ca_bundle" | cut -c1-12)"
go_image="pgreview/golang-standin:${goversion#go}-$suite-ca$ca_sum"
if ! docker image inspect "$go_image" >/dev/null 2>&1; then
	echo "building $go_image from $base, $goroot and $ca_bundle"
	DOCKER_BUILDKIT=0 docker build -q -t "$go_image-noca" -f - "$goroot" >/dev/null <<-DOCKERFILE
		FROM $base
		RUN apt-get update \\
		    && apt-get install -y --no-install-recommends gcc libc6-dev git ca-certificates \\
		    && rm -rf /var/lib/apt/lists/*
		COPY . /usr/local/go
		ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin GOPATH=/go
	DOCKERFILE
	ctx="$(mktemp -d)"
	cp "$ca_bundle" "$ctx/ca-certificates.crt"
	DOCKER_BUILDKIT=0 docker build -q -t "$go_image" -f - "$ctx" >/dev/null <<-DOCKERFILE
		FROM $go_image-noca
		COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
	DOCKERFILE
	rm -rf "$ctx"
	docker image rm "$go_image-noca" >/dev/null
fi

echo "docker build $repo as $tag (GO_IMAGE=$go_image, BASE_IMAGE=$base)"
DOCKER_BUILDKIT=0 docker build -t "$tag" \
	--build-arg "GO_IMAGE=$go_image" --build-arg "BASE_IMAGE=$base" "$@" "$repo"

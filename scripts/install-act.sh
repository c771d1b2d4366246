#!/bin/bash
# Build nektos/act, which the action tests (internal/github/acttest) run in
# host mode, from the Go module proxy into the cache those tests look in.
# The tests do this themselves when act is missing; CI may call it first to
# keep the build out of the test's time. Prints the binary's path.
set -euo pipefail
version="$(sed -n 's/^const ActVersion = "\(.*\)"$/\1/p' "$(dirname "$0")/../internal/github/acttest/main_test.go")"
gobin="${XDG_CACHE_HOME:-$HOME/.cache}/pgreview/act-$version"
if [ ! -x "$gobin/act" ]; then
	(cd "${TMPDIR:-/tmp}" && GOBIN="$gobin" GOFLAGS=-mod=mod GOWORK=off go install "github.com/nektos/act@$version")
fi
echo "$gobin/act"

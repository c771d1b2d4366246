#!/bin/bash
# Run every Fuzz* target briefly: go test -fuzz takes one target at a time.
#
# The budget is a count of inputs (Nx), never a duration: with a duration,
# Go's coordinator races its own deadline on a loaded machine and fails the
# target with a bare "context deadline exceeded" and no failing input
# (golang/go#51484). A count has no deadline to race; a slow machine only
# takes longer.
set -euo pipefail
fuzztime="${1:-20000x}"
case "$fuzztime" in
*x) ;;
*) echo "fuzz: budget $fuzztime is not a count such as 20000x (see the comment in $0)" >&2; exit 2 ;;
esac
found=0
while IFS= read -r line; do
	file="${line%%:*}"
	name="$(sed -E 's/^.*func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"$line")"
	pkg="./$(dirname "$file")"
	echo "fuzz $pkg $name ($fuzztime)"
	go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" -fuzzminimizetime=500x "$pkg"
	found=$((found + 1))
done < <(grep -rEn --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' internal cmd 2>/dev/null || true)
echo "fuzz: $found target(s)"

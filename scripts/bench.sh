#!/bin/bash
# Print every benchmark's figures: each reports ratios against a baseline
# measured in the same run, never absolute pass/fail timings.
set -euo pipefail
export TESTCONTAINERS_RYUK_DISABLED=true
go test -run='^$' -bench=. -benchtime=1x -count=1 -timeout 60m ./... 2>&1 | grep -Ev '^(ok|PASS|\?)(\s|$)' || true

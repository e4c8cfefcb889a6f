#!/usr/bin/env bash
# Static checks of the Go worker: gofmt, go vet and staticcheck, on the default build and on the
# build with the test hooks (cmd/cfworker/testhooks.go). Exits non-zero on any finding.
#
# staticcheck comes from the Go module proxy at a pinned version (checked against the checksum
# database); nothing is added to go.mod.
set -euo pipefail
cd "$(dirname "$0")"
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2 # staticcheck 2026.2.2, for Go 1.26

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt: not formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
for tags in "" cfworker_testhooks; do
  go vet -tags "$tags" ./...
  go run "$STATICCHECK" -checks all -tags "$tags" ./...
done
echo "lint: ok"

#!/usr/bin/env bash
# Regenerates docs/cli.md from the sbx commands (picocli's --help of every command).
# Run it after adding or changing a command; CliReferenceTest fails while the page is stale.
# Extra arguments go to Maven (e.g. -o to build offline).
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
./mvnw -B -q "$@" verify -pl docs-tests -am \
  -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dsbx.cli-docs.write=true
echo "docs/cli.md regenerated"

#!/usr/bin/env bash
# Create-to-ready of a sandbox from a large image (debootstrap bookworm minbase + python3, built
# once and cached under ~/.cache/sbx/test-debootstrap) vs the busybox root, in the same run; plus
# the sandbox directory's allocated size (the overlay). Needs root and scripts/prepare-host.sh.
# Builds without `mvn install`: the classpath comes from this tree.
# Usage: bench/image-boot.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o -pl vm -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
java -cp "vm/target/test-classes:vm/target/classes:$(cat vm/target/bench-classpath.txt)" \
  dev.sbx.vm.bench.ImageBootBenchmark "${1:-3}"

#!/usr/bin/env bash
# Published-port benchmark: 16 MiB through a published port into a real microVM (guest busybox
# httpd), small-request latency over a fresh port stream, and the same request via exec + wget.
# Needs root and scripts/prepare-host.sh. Usage: bench/ports.sh [ROUNDS]
# Builds into target/ only (no install): the classpath comes from the reactor.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o -pl vm -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-cp.txt
cp="vm/target/test-classes:vm/target/classes:$(cat vm/target/bench-cp.txt)"
exec java -cp "$cp" dev.sbx.vm.bench.PortBenchmark "${1:-5}"

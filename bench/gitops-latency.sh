#!/usr/bin/env bash
# Commit-to-converged latency of the GitOps loop (webhook, polling, directory edit) against the
# in-memory world. Usage: bench/gitops-latency.sh [ITERATIONS=20] [POLL_INTERVAL_MS=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl reconciler -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
exec java -Xms256m -Xmx512m \
  -cp "reconciler/target/test-classes:reconciler/target/classes:$(cat reconciler/target/test-classpath.txt)" \
  dev.sbx.reconciler.bench.GitOpsLatencyBench "$@"

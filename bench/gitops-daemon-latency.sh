#!/usr/bin/env bash
# Commit-to-converged latency through the real daemon process (sbx daemon --memory: the real compiler,
# controller and unix-socket API; in-memory actuators): webhook, polling, directory edit.
# Usage: bench/gitops-daemon-latency.sh [ITERATIONS=20] [POLL_INTERVAL_MS=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl reconciler -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
exec java -Xms256m -Xmx512m \
  -cp "reconciler/target/test-classes:reconciler/target/classes:$(cat reconciler/target/test-classpath.txt)" \
  dev.sbx.cli.DaemonGitOpsLatencyBench "$@"

#!/usr/bin/env bash
# Diff-pipeline benchmark of the reconciler (compile, observe, state load, diff, JSON plan) over
# 100, 1,000 and 10,000 generated sandboxes against an in-memory actual state.
# Usage: bench/reconciler-diff.sh [SIZE...]     (figures go to stdout; see docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl reconciler -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
exec java -Xms1g -Xmx1g -XX:+UseParallelGC \
  -cp "reconciler/target/test-classes:reconciler/target/classes:$(cat reconciler/target/test-classpath.txt)" \
  dev.sbx.reconciler.bench.DiffPipelineBench "$@"

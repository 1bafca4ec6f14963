#!/usr/bin/env bash
# The whole diff pipeline from files on disk (load, merge, compile, observe, state load, diff) over
# 100, 1,000 and 10,000 generated Sandbox manifests (each stacking 5 kits) against an in-memory world.
# Usage: bench/reconciler-pipeline.sh [SIZE...]     (figures go to stdout; see docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl reconciler -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
exec java -Xms2g -Xmx2g -XX:+UseParallelGC \
  -cp "reconciler/target/test-classes:reconciler/target/classes:$(cat reconciler/target/test-classpath.txt)" \
  dev.sbx.reconciler.bench.FullDiffPipelineBench "$@"

#!/usr/bin/env bash
# Pull throughput of the OCI client (dev.sbx.vm.image.oci) against a local docker-registry on
# 127.0.0.1: a random-data multi-layer image, cold cache with 1 vs N parallel downloads, unpack,
# warm pull. Needs scripts/prepare-host.sh (docker-registry, skopeo).
# Usage: bench/image-pull.sh [TOTAL_MIB=200] [LAYERS=8] [ROUNDS=3] [PARALLEL=4]
set -euo pipefail
cd "$(dirname "$0")/.."
# Compile in the reactor (no install: sibling modules come from this tree) and write the test classpath.
./mvnw -B -q -o -pl vm -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx2g -cp "vm/target/test-classes:vm/target/classes:$(cat vm/target/bench-classpath.txt)" \
  dev.sbx.vm.image.oci.ImagePullBenchmark "${1:-200}" "${2:-8}" "${3:-3}" "${4:-4}"

#!/usr/bin/env bash
# Boot benchmark of the qemu-microvm runtime: bare QEMU boot to /init vs sbx create-to-ready,
# and host memory per idle sandbox. Needs root (virtiofsd) and scripts/prepare-host.sh.
# Usage: bench/vm-boot.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o install -pl vm -am -DskipTests
./mvnw -B -q -o -pl vm test-compile exec:java -Dexec.mainClass=dev.sbx.vm.bench.BootBenchmark \
  -Dexec.classpathScope=test -Dexec.args="${1:-5}"

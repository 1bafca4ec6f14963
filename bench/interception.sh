#!/usr/bin/env bash
# Credential-injection benchmark: an intercepted CONNECT tunnel (TLS terminated with a minted leaf,
# header injected, verified TLS upstream) against an opaque CONNECT tunnel, in one run, on loopback.
# Same CONNECT front, same Netty HTTPS upstream, same blocking JDK TLS clients for both paths.
#
# Usage (from the repository root):  bench/interception.sh [SECONDS_PER_THROUGHPUT_RUN] [CLIENT_THREADS]
# Needs: JDK 17 and the Maven wrapper. Prints a Markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o install -pl egress -am -DskipTests
./mvnw -B -q -o -pl egress dependency:build-classpath -Dmdep.outputFile=target/interception-bench.cp -Dmdep.includeScope=test
./mvnw -B -q -o -pl egress test-compile
exec java -cp "egress/target/test-classes:egress/target/classes:$(cat egress/target/interception-bench.cp)" \
  dev.sbx.egress.tls.InterceptionBench "$@"

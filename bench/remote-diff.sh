#!/usr/bin/env bash
# `sbx diff -f DIR --exit-code` against a daemon's remote API (TLS + bearer token, what CI runs)
# next to the same diff over the local unix socket. N sandboxes sharing one policy and one mixin
# kit are applied first (in-memory actuators: no VMs), so every run is "in sync" (exit 0).
# Each run is a whole CLI process: JVM start, load + compile DIR, TLS handshake, daemon plan.
# Usage: bench/remote-diff.sh [N] [RUNS]   (defaults 100, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100}"; runs="${2:-5}"
jar=reconciler/target/sbx.jar
[ -f "$jar" ] || ./mvnw -B -q -o -DskipTests package -pl reconciler -am >/dev/null
work="$(mktemp -d)"
export SBX_STATE_DIR="$work/state"
trap 'java -jar "$jar" daemon --stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
dir="$work/gitops"; mkdir -p "$dir/kits/tools" "$dir/sandboxes"
cat > "$dir/policy.yaml" <<'Y'
apiVersion: sbx/v1
kind: NetworkPolicy
metadata: {name: team}
spec:
  default: deny-all
  allow: ["api.github.com:443", "*.crates.io"]
Y
cat > "$dir/kits/tools/spec.yaml" <<'Y'
schemaVersion: "2"
kind: mixin
name: tools
environment: {variables: {TOOLS: "1"}}
setup: {install: [{command: "echo install"}]}
Y
for i in $(seq 1 "$n"); do
  printf 'apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: sb-%05d}\nspec:\n  agent: shell\n  kits: [../kits/tools]\n  resources: {cpus: 1, memory: 512m}\n  policy: team\n' "$i" > "$dir/sandboxes/sb-$i.yaml"
done
java -jar "$jar" daemon --memory --listen 127.0.0.1:0 >/dev/null
url=$(grep -o 'remote API on https://[0-9.:]*' "$SBX_STATE_DIR/daemon.log" | head -1 | sed 's/remote API on //')
token_file="$work/ci.token"
java -jar "$jar" daemon token create bench --read-only > "$token_file" 2>/dev/null
java -jar "$jar" apply -f "$dir" >/dev/null
remote=(--host "$url" --token-file "$token_file" --ca-cert "$SBX_STATE_DIR/api-tls/server.pem")
java -jar "$jar" diff -f "$dir" --exit-code "${remote[@]}" >/dev/null  # warm the daemon's JIT once
echo "sbx diff -f DIR --exit-code --host $url (N=$n sandboxes, in sync, $runs runs)"
for r in $(seq 1 "$runs"); do
  /usr/bin/time -f "run $r: %e s wall, %M KiB max RSS (CLI process)" java -jar "$jar" diff -f "$dir" --exit-code "${remote[@]}" >/dev/null
done
echo "sbx diff -f DIR --exit-code over the local unix socket (same daemon, $runs runs)"
for r in $(seq 1 "$runs"); do
  /usr/bin/time -f "run $r: %e s wall, %M KiB max RSS (CLI process)" java -jar "$jar" diff -f "$dir" --exit-code >/dev/null
done

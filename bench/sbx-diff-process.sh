#!/usr/bin/env bash
# Whole-process benchmark of `sbx diff -f DIR`: JVM start, load + validate every manifest, merge
# the kit stacks, compile, observe (in-memory actual state: SBX_ACTUATORS=memory, empty world, so
# every sandbox is a create), diff and render. Generates DIR with N sandboxes sharing one policy
# and one mixin kit. Usage: bench/sbx-diff-process.sh [N] [RUNS]   (defaults 1000, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"; runs="${2:-5}"
jar=reconciler/target/sbx.jar
[ -f "$jar" ] || ./mvnw -B -q -o -DskipTests package -pl reconciler -am >/dev/null
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
dir="$work/gitops"; mkdir -p "$dir/kits/tools" "$dir/sandboxes"
cat > "$dir/policy.yaml" <<'Y'
apiVersion: sbx/v1
kind: NetworkPolicy
metadata: {name: team}
spec:
  default: deny-all
  allow: ["api.github.com:443", "*.crates.io"]
  deny: ["*.pastebin.com"]
Y
cat > "$dir/kits/tools/spec.yaml" <<'Y'
schemaVersion: "2"
kind: mixin
name: tools
environment: {variables: {TOOLS: "1"}}
permissions: {network: {allow: ["static.crates.io:443"]}}
setup: {install: [{command: "echo install"}]}
Y
for i in $(seq 1 "$n"); do
  printf 'apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: sb-%05d}\nspec:\n  agent: shell\n  kits: [../kits/tools]\n  resources: {cpus: 1, memory: 512m}\n  policy: team\n' "$i" > "$dir/sandboxes/sb-$i.yaml"
done
export SBX_ACTUATORS=memory SBX_STATE_DIR="$work/state"
echo "sbx diff -f DIR (N=$n sandboxes, $runs runs, SBX_ACTUATORS=memory)"
for r in $(seq 1 "$runs"); do
  /usr/bin/time -f "run $r: %e s wall, %M KiB max RSS" java -jar "$jar" diff -f "$dir" >/dev/null
done
java -jar "$jar" diff -f "$dir" | tail -1
# The same through a daemon (in-memory actuators, no VMs): CLI JVM + unix-socket API + daemon work.
unset SBX_ACTUATORS
java -jar "$jar" daemon --foreground --memory >/dev/null 2>&1 &
for i in $(seq 1 100); do [ -S "$SBX_STATE_DIR/daemon.sock" ] && break; sleep 0.1; done
java -jar "$jar" diff -f "$dir" >/dev/null   # warm the daemon's JIT once
echo "sbx diff -f DIR through a running daemon (--memory)"
for r in $(seq 1 "$runs"); do
  /usr/bin/time -f "run $r: %e s wall, %M KiB max RSS (CLI process)" java -jar "$jar" diff -f "$dir" >/dev/null
done
java -jar "$jar" daemon --stop >/dev/null

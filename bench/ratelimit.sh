#!/usr/bin/env bash
# Rate-limit decisions per second through the platform's limiter (one EVALSHA of the GCRA script
# per decision) against redis-benchmark running the same script with the same arguments on the
# same Redis server, in one run; and round trips per decision, from Redis's own counters.
#
#   bench/ratelimit.sh            (CLIENTS=32 DURATION=20 KEYS=100000)
#
# Needs redis-benchmark (Debian: apt-get install redis-tools). Loopback only; the Redis server is
# a fresh one in a temporary directory, removed at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS="${CLIENTS:-32}"
DURATION="${DURATION:-20}"
KEYS="${KEYS:-100000}"
for value in "$CLIENTS" "$DURATION" "$KEYS"; do
  [[ "$value" =~ ^[0-9]+$ ]] || { echo "ratelimit.sh: CLIENTS, DURATION and KEYS are whole numbers" >&2; exit 2; }
done
command -v redis-benchmark >/dev/null || { echo "ratelimit.sh: needs redis-benchmark (apt-get install redis-tools)" >&2; exit 2; }

JAVA_HOME="$("$root/nlt" java-home)"
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow -Dstyle.color=never"
log="$(mktemp)"
if ! (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package) >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"

work="$(mktemp -d /tmp/nlt-ratelimit.XXXXXX)"
trap 'rm -rf "$work"' EXIT
echo "== $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), load $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "== $CLIENTS clients, $DURATION s counted, $KEYS keys; redis-benchmark $(redis-benchmark --version | head -n 1)"
"$JAVA_HOME/bin/java" -cp "$root/bench/target/classes:$root/bench/target/lib/*" \
  com.nextleveltraders.bench.RateLimitLoad "$work" "$CLIENTS" "$DURATION" "$KEYS" | grep -v '^20'

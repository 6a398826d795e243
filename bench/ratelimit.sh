#!/usr/bin/env bash
# Rate-limit decisions per second through the platform's limiter (one EVALSHA of the GCRA script
# per decision; blocking calls, then the asynchronous ones the API makes) against redis-benchmark
# running the same script with the same arguments on the same Redis server, in one run; and round
# trips per decision, from Redis's own counters.
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

source "$root/bench/lib.sh"
bench_build

work="$(mktemp -d /tmp/nlt-ratelimit.XXXXXX)"
trap 'rm -rf "$work"' EXIT
bench_machine
echo "== $CLIENTS clients, $DURATION s counted, $KEYS keys; redis-benchmark $(redis-benchmark --version | head -n 1)"
bench_java com.nextleveltraders.bench.RateLimitLoad "$work" "$CLIENTS" "$DURATION" "$KEYS" | grep -v '^20'

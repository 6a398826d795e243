#!/usr/bin/env bash
# What synchronous replication costs the order path, in one command: bench/orders.sh twice on this
# machine, one after the other, first with the shard's primary waiting for its replica on every
# commit (database.replication.synchronous: on, the default), then asynchronous (local); then the
# ratios of the two, for orders through the API and for pgbench's same transaction on the primary.
#
#   bench/replication.sh
#
# Settings (environment): SYNC=on ASYNC=local, and orders.sh's own (USERS, CLIENTS, DURATION,
# WARMUP, JIT_WARMUP), passed on to both runs. Each run's full output is printed; the comparison
# comes last.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
SYNC="${SYNC:-on}"
ASYNC="${ASYNC:-local}"
out="$(mktemp -d /tmp/nlt-bench-replication.XXXXXX)"
trap 'rm -rf "$out"' EXIT

for level in "$SYNC" "$ASYNC"; do
  say "bench/orders.sh with database.replication.synchronous: $level"
  SYNCHRONOUS="$level" "$root/bench/orders.sh" | tee "$out/$level.txt"
done

# From orders.sh's summary table: the bold figure of a row.
row() { sed -n "s/^| $2 | \*\*\([0-9.]*\) .*/\1/p" "$out/$1.txt" | head -n 1; }
latency() { sed -n "s/^| $2 | .* p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/p50 \1 ms, p99 \2 ms/p" "$out/$1.txt" | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
api_sync="$(row "$SYNC" 'API, lean socket client')"
api_async="$(row "$ASYNC" 'API, lean socket client')"
pg_sync="$(row "$SYNC" 'pgbench, same transaction')"
pg_async="$(row "$ASYNC" 'pgbench, same transaction')"

echo
say "synchronous ($SYNC) against asynchronous ($ASYNC), $(date -u +%Y-%m-%dT%H:%MZ)"
cat <<TABLE
| | synchronous: $SYNC | synchronous: $ASYNC | $SYNC / $ASYNC |
|---|---|---|---|
| API orders/s (socket client) | $api_sync ($(latency "$SYNC" 'API, lean socket client')) | $api_async ($(latency "$ASYNC" 'API, lean socket client')) | **$(ratio "$api_sync" "$api_async")** |
| pgbench tps, same transaction | $pg_sync ($(latency "$SYNC" 'pgbench, same transaction')) | $pg_async ($(latency "$ASYNC" 'pgbench, same transaction')) | **$(ratio "$pg_sync" "$pg_async")** |
TABLE

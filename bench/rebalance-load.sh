#!/usr/bin/env bash
# Order writes per second and their latency while a third shard is added and the buckets
# rebalanced, against the same load in steady state, in one run; and the per-bucket write freeze
# (p50, p99, max). In-process (no HTTP): three fresh PostgreSQL servers in a temporary directory
# (the catalog and shard 1, shard 2, the shard added), removed at the end.
#
#   bench/rebalance-load.sh      (USERS=2000 ORDERS=2 THREADS=16 STEADY=15 REBALANCE_MIN=10 THRESHOLD=0.10)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-2000}"
ORDERS="${ORDERS:-2}"
THREADS="${THREADS:-16}"
STEADY="${STEADY:-15}"
REBALANCE_MIN="${REBALANCE_MIN:-10}"
THRESHOLD="${THRESHOLD:-0.10}"

source "$root/bench/lib.sh"
bench_build

work="$(mktemp -d /tmp/nlt-rebalance-load.XXXXXX)"
chmod 755 "$work" # PostgreSQL runs as user postgres and must reach its data dir inside
trap 'rm -rf "$work"' EXIT
bench_machine
echo "== $USERS users with $ORDERS orders each on shards 1-2, $THREADS writer threads; steady ${STEADY} s, then add shard 3 and rebalance (threshold $THRESHOLD, at least ${REBALANCE_MIN} s)"
bench_java com.nextleveltraders.bench.RebalanceLoad "$work" "$USERS" "$ORDERS" "$THREADS" "$STEADY" "$REBALANCE_MIN" "$THRESHOLD"

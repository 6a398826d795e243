#!/usr/bin/env bash
# Rows moved when a shard is added: the rebalance planner's whole-bucket plan against the minimum
# (1/(N+1) of the rows) and against hash mod N -> hash mod (N+1), for N = 2, 4, 8, on synthetic users
# with skewed row counts. Pure computation, no servers; one run takes a few seconds after the build.
#
#   bench/rebalance.sh      (USERS=1000000 BUCKETS=1024 SEED=20261126 ALPHA=1.5 SHARDS=2,4,8)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-1000000}"
BUCKETS="${BUCKETS:-1024}"
SEED="${SEED:-20261126}"
ALPHA="${ALPHA:-1.5}"
SHARDS="${SHARDS:-2,4,8}"

source "$root/bench/lib.sh"
bench_build

bench_machine
echo "== $USERS users, $BUCKETS buckets, rows per user floor(U^(-1/$ALPHA)) (Pareto tail), seed $SEED, N = $SHARDS"
bench_java com.nextleveltraders.bench.RebalancePlanLoad "$USERS" "$BUCKETS" "$SEED" "$ALPHA" "$SHARDS"

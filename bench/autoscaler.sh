#!/usr/bin/env bash
# The autoscaler against the Kubernetes HPA algorithm on the same load: both drive simulated API
# instances (a documented capacity model) through bench/autoscaler-trace.csv, six synthetic hours
# at 15 s steps, in simulated time. Reports for both: time short of instances after each rise,
# instance-minutes, flaps, and ours / HPA. Pure computation, no servers; a few seconds after the build.
#
#   bench/autoscaler.sh      (TRACE=bench/autoscaler-trace.csv)
#
# The trace is committed; it was written by
#   bench_java com.nextleveltraders.bench.LoadTrace bench/autoscaler-trace.csv 20261126
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRACE="${TRACE:-$root/bench/autoscaler-trace.csv}"

source "$root/bench/lib.sh"
bench_build

bench_machine
echo "== $(basename "$TRACE"): $(grep -cv '^#\|^seconds' "$TRACE") steps of 15 s; ours: nlt-defaults.yaml autoScaling; HPA: CPU target 70 %, tolerance 0.1, default behavior"
bench_java com.nextleveltraders.bench.AutoscalerComparison "$TRACE"

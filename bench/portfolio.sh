#!/usr/bin/env bash
# Portfolio reads per second through the tiered cache (Caffeine L1 + Redis L2) against the same
# reads straight from PostgreSQL, and the cache's hit ratio, under a Zipf-distributed choice of
# users with a share of writes that invalidate. One command; fresh PostgreSQL and Redis in a
# temporary directory, removed at the end.
#
#   bench/portfolio.sh      (USERS=10000 THREADS=16 DURATION=20 ZIPF=1.0 WRITES=0.01)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-10000}"
THREADS="${THREADS:-16}"
DURATION="${DURATION:-20}"
ZIPF="${ZIPF:-1.0}"
WRITES="${WRITES:-0.01}"

source "$root/bench/lib.sh"
bench_build

work="$(mktemp -d /tmp/nlt-portfolio.XXXXXX)"
chmod 755 "$work" # PostgreSQL runs as user postgres and must reach its data dir inside
trap 'rm -rf "$work"' EXIT
bench_machine
echo "== $USERS users, Zipf s=$ZIPF, $THREADS threads, $DURATION s per phase, writes $WRITES of operations"
bench_java com.nextleveltraders.bench.PortfolioReadLoad "$work" "$USERS" "$THREADS" "$DURATION" "$ZIPF" "$WRITES"

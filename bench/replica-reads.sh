#!/usr/bin/env bash
# How many reads a shard's streaming replica takes off its primary under a mixed load, with
# read-your-writes kept (reads of a user whose last write the replica has not replayed go to the
# primary). Same servers, two phases: replica routing on, and every read on the primary. One
# command; fresh PostgreSQL primary + replica and Redis in a temporary directory, removed at the end.
#
#   bench/replica-reads.sh      (USERS=2000 THREADS=16 DURATION=20 WRITES=0.05)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-2000}"
THREADS="${THREADS:-16}"
DURATION="${DURATION:-20}"
WRITES="${WRITES:-0.05}"

source "$root/bench/lib.sh"
bench_build

work="$(mktemp -d /tmp/nlt-replica-reads.XXXXXX)"
chmod 755 "$work" # PostgreSQL runs as user postgres and must reach its data dirs inside
trap 'rm -rf "$work"' EXIT
bench_machine
echo "== $USERS users, $THREADS threads, $DURATION s per phase, writes $WRITES of operations"
bench_java com.nextleveltraders.bench.ReplicaReadLoad "$work" "$USERS" "$THREADS" "$DURATION" "$WRITES"

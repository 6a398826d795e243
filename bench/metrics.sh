#!/usr/bin/env bash
# The cost of the request path's meters, in one command: two platforms of the default topology, one
# as configured by default ("with") and one with monitoring.disabledMetrics denying the meters the
# monitoring issue added on the request path ("without": the gateway's gateway.responses timer, the
# instances' db.operations timer and Lettuce's lettuce.command.* histograms; http.server.requests,
# which the autoscaler reads, stays in both). Both are driven through their gateways, one at a time,
# in alternated phases (see MetricsLoad): MARKET orders by many registered users, and quote GETs.
# Figures: orders/s and GETs/s of each (median of its phases), the ratio with/without, and the CPU
# each platform spent per request.
#
#   bench/metrics.sh
#
# Settings (environment): USERS=100 CLIENTS=32 ROUNDS=5 PHASE=7 SETTLE=2 JIT_WARMUP=60 (seconds)
# AIM_RATIO=0.97 DISABLED="gateway.responses, db.operations, lettuce.command" (the "without"
# platform's monitoring.disabledMetrics; DISABLED= makes both platforms alike: the noise floor of a
# run, every ratio 1 but for chance) FIRST=with (the platform started first, warmed up first and
# first in the odd rounds; FIRST=without swaps the two). A round is orders on both and GETs on both,
# SETTLE + PHASE seconds each; the platform that goes first alternates from round to round.
# JIT_WARMUP seconds of orders and a third as many of GETs go to each platform first, uncounted
# (with 40 s, the first round still ran 10 to 30 % slower than the others). Takes about 8 minutes
# with the defaults.
# Everything on loopback, in a temporary directory removed at the end; both launchers are stopped by
# their pids (their servers' watchdogs stop the rest).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-100}"
CLIENTS="${CLIENTS:-32}"
ROUNDS="${ROUNDS:-5}"
PHASE="${PHASE:-7}"
SETTLE="${SETTLE:-2}"
JIT_WARMUP="${JIT_WARMUP:-60}"
AIM_RATIO="${AIM_RATIO:-0.97}"
FIRST="${FIRST:-with}"
DISABLED="${DISABLED-gateway.responses, db.operations, lettuce.command}"
source "$root/bench/lib.sh"
require_whole_numbers USERS CLIENTS ROUNDS PHASE SETTLE JIT_WARMUP
case "$FIRST" in with) order=(with without) ;; without) order=(without with) ;; *) echo "metrics.sh: FIRST is with or without" >&2; exit 2 ;; esac
[ "$USERS" -ge 1 ] && [ "$CLIENTS" -ge 1 ] && [ "$ROUNDS" -ge 3 ] && [ "$PHASE" -ge 1 ] \
  || { echo "metrics.sh: needs USERS, CLIENTS, PHASE >= 1 and ROUNDS >= 3" >&2; exit 2; }
command -v curl >/dev/null || die "needs curl"

run_started=$(now_ns)
JAVA_HOME="$("$root/nlt" java-home)" || die "needs a JDK 25 (e.g. /usr/lib/jvm/temurin-25-jdk-amd64) or JAVA_HOME pointing at one"
export JAVA_HOME

tmp="$(mktemp -d /tmp/nlt-metrics-bench.XXXXXX)"
chmod 755 "$tmp" # PostgreSQL runs as user postgres and must reach its data dirs inside
declare -A launcher=([with]="" [without]="")
cleanup() {
  local variant
  for variant in with without; do
    [ -n "${launcher[$variant]}" ] && stop_pid "${launcher[$variant]}" 60 # after a SIGKILL its servers' watchdogs stop them
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the machine, and whether someone else is using it
machine_before_run
say "$cores cores, $cpu_model, $mem_gib GiB, load $load_before"

# --- build: `nlt` builds the platform when its sources changed; the bench module with it
say "build (if needed)"
"$root/nlt" config show >/dev/null
bench_build

# --- two platforms, one after the other (starting both at once would crowd two cores)
cp "$root/bench/metrics-config.yaml" "$tmp/with.yaml"
{ cat "$root/bench/metrics-config.yaml"; printf 'monitoring:\n  disabledMetrics: [%s]\n' "$DISABLED"; } >"$tmp/without.yaml"
declare -A url port data
for variant in "${order[@]}"; do
  data[$variant]="$tmp/$variant"
  # A second attempt on a fresh data dir when the first fails: on a crowded machine `nlt up` can give
  # up on a timeout while starting (the failure is printed).
  for attempt in 1 2; do
    port[$variant]="$(free_port)" || die "no free port found"
    say "$variant: nlt up --data-dir ${data[$variant]} --port ${port[$variant]} --config $variant.yaml"
    up_started=$(now_ns)
    "$root/nlt" up --data-dir "${data[$variant]}" --port "${port[$variant]}" --config "$tmp/$variant.yaml" \
      >"$tmp/$variant-up.log" 2>&1 &
    launcher[$variant]=$! # nlt execs the launcher JVM: this is its pid
    until grep -q ' is up in ' "$tmp/$variant-up.log" || ! kill -0 "${launcher[$variant]}" 2>/dev/null; do
      [ $(( ($(now_ns) - up_started) / 1000000000 )) -le 240 ] \
        || { cat "$tmp/$variant-up.log" >&2; die "$variant: nlt up was not up within 240 s"; }
      sleep 0.2
    done
    grep -q ' is up in ' "$tmp/$variant-up.log" && break
    wait "${launcher[$variant]}" 2>/dev/null || true
    launcher[$variant]=""
    [ "$attempt" = 1 ] || { cat "$tmp/$variant-up.log" >&2; die "$variant: nlt up exited before the platform was up, twice"; }
    echo "warning: $variant: nlt up exited before the platform was up; once more" >&2
    rm -rf "${data[$variant]}"
  done
  up_line="$(grep ' is up in ' "$tmp/$variant-up.log")"
  echo "$up_line"
  # The gateway's loopback HTTP: the same path as HTTPS for the load, without TLS in the load generator.
  url[$variant]="http://127.0.0.1:${port[$variant]}"
done

# --- the load, alternated
say "load: $USERS users and $CLIENTS clients on each; $ROUNDS rounds of ${SETTLE} s + ${PHASE} s phases after ${JIT_WARMUP} s of warm-up"
bench_java com.nextleveltraders.bench.MetricsLoad --first "$FIRST" \
  --with-url "${url[with]}" --with-pid "${launcher[with]}" \
  --without-url "${url[without]}" --without-pid "${launcher[without]}" \
  --users "$USERS" --clients "$CLIENTS" --rounds "$ROUNDS" --phase "$PHASE" --settle "$SETTLE" \
  --jit-warmup "$JIT_WARMUP" | tee "$tmp/load.txt" | grep -v '^bench\.' \
  || die "the load failed (errors, or no request succeeded in a phase): see above"
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"

# --- what each platform exposes: the denied meters only where they are not denied
say "the meters on /metrics"
meters() { # variant: which of the three families the gateway and api-1 show
  local d="${data[$1]}" found=""
  local admin_port api_port
  admin_port="$(cut -d ' ' -f 2 "$d/run/gateway.ports")"
  api_port="$(cat "$d/run/api-1.port")"
  curl -fsS "http://127.0.0.1:$admin_port/metrics" >"$tmp/$1-gateway.prom" || die "$1: no gateway /metrics"
  curl -fsS "http://127.0.0.1:$api_port/metrics" >"$tmp/$1-api.prom" || die "$1: no api-1 /metrics"
  grep -q '^gateway_responses_seconds_count' "$tmp/$1-gateway.prom" && found="$found gateway.responses"
  grep -q '^db_operations_seconds_count' "$tmp/$1-api.prom" && found="$found db.operations"
  grep -q '^lettuce_command_completion_seconds_count' "$tmp/$1-api.prom" && found="$found lettuce.command"
  grep -q '^http_server_requests_seconds_count' "$tmp/$1-api.prom" && found="$found http.server.requests"
  echo "${found# }"
}
meters_with="$(meters with)"
meters_without="$(meters without)"
echo "with: $meters_with"
echo "without: $meters_without"
expected=""
for family in gateway.responses db.operations lettuce.command; do
  [[ ", $DISABLED," == *", $family,"* ]] || expected="$expected $family"
done
[ "$meters_with" = "gateway.responses db.operations lettuce.command http.server.requests" ] \
  || die "the 'with' platform lacks meters it should have: $meters_with"
[ "$meters_without" = "${expected# } http.server.requests" ] || [ "$meters_without" = "http.server.requests" -a -z "$expected" ] \
  || die "the 'without' platform does not show what it should (${expected# } http.server.requests): $meters_without"

# --- stop
say "stop"
for variant in with without; do
  stop_pid "${launcher[$variant]}" 60
  launcher[$variant]=""
done

# --- summary
figure() { sed -n "s/^bench\.$1=//p" "$tmp/load.txt" | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
percent() { awk -v r="$1" 'BEGIN { printf "%+.1f %%", (r - 1) * 100 }'; }
met() { awk -v r="$1" -v aim="$AIM_RATIO" 'BEGIN { print (r >= aim ? "met" : "not met") }'; }
row() { # kind, unit
  local w wo r
  w="$(figure "$1.with.per_s")"; wo="$(figure "$1.without.per_s")"; r="$(ratio "$w" "$wo")"
  printf '| %s/s, median of %s phases | with **%.0f** (%s), without **%.0f** (%s); with/without **%s** (%s), median within a round %s (rounds: %s); aim ≥ %s: **%s** |\n' \
    "$2" "$ROUNDS" "$w" "$(figure "$1.with.phases")" "$wo" "$(figure "$1.without.phases")" "$r" "$(percent "$r")" \
    "$(figure "$1.median_round_ratio")" "$(figure "$1.round_ratios")" "$AIM_RATIO" "$(met "$r")"
  printf '| %s: latency and CPU (medians) | with p50 %s ms, p99 %s ms, %.0f CPU-us each; without p50 %s ms, p99 %s ms, %.0f CPU-us each (whole platform: gateway, instances, PostgreSQL, Redis) |\n' \
    "$2" "$(figure "$1.with.p50_ms")" "$(figure "$1.with.p99_ms")" "$(figure "$1.with.cpu_us")" \
    "$(figure "$1.without.p50_ms")" "$(figure "$1.without.p99_ms")" "$(figure "$1.without.cpu_us")"
}
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ] && revision="$revision (with uncommitted changes)"

echo
say "summary ($(date -u +%Y-%m-%dT%H:%MZ), whole run $(seconds_since "$run_started") s)"
cat <<EOF
| | |
|---|---|
| machine | $cores cores, $cpu_model, $mem_gib GiB; load average before the run $load_before, after the load $load_after |
| command | \`bench/metrics.sh\` (USERS=$USERS CLIENTS=$CLIENTS ROUNDS=$ROUNDS PHASE=$PHASE SETTLE=$SETTLE JIT_WARMUP=$JIT_WARMUP FIRST=$FIRST), revision $revision |
| platforms | two \`nlt up\`, default topology (bench/metrics-config.yaml: limits raised, 3 instances fixed); "without": \`monitoring.disabledMetrics: [$DISABLED]\` |
$(row orders orders)
$(row gets "quote GETs")
| meters on /metrics after the load | with: $meters_with; without: $meters_without |
EOF

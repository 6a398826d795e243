#!/usr/bin/env bash
# The gateway against HAProxy, in one command: both in front of the same three API instances of one
# `nlt up`, configured alike (least connections, TLS 1.2 and 1.3, health checks on /api/health
# every 10 s, down after 2 failures, up after 3 successes), driven by the same wrk in one run.
# Figures: requests per second under a saturating load, and p50/p99 latency at a light load,
# against calling an instance directly; the added latency is the proxy's percentile less the
# direct one. The request is GET /api/quotes/AAPL (88 bytes, no database, no session).
#
#   bench/gateway.sh
#
# Settings (environment): ROUNDS=4 DURATION=10 WARMUP=20 (seconds) THREADS=3 CONNECTIONS=30
# LAT_CONNECTIONS=4 LAT_PAUSE_MS=5 AIM_RATIO=0.95 AIM_P99_MS=1.
# Throughput runs use THREADS x CONNECTIONS (3 threads, so that "three instances directly" gives
# each wrk thread its own instance); latency runs one wrk thread with LAT_CONNECTIONS connections,
# each pausing LAT_PAUSE_MS between its answer and its next request, so every target is driven
# at a similar, unsaturated rate (wrk2's constant rate is not packaged in Debian).
# Each round runs every target once, in the reverse order of the round before. WARMUP seconds of
# load go to each target first, uncounted (fresh JVMs compile for about a minute under load).
#
# The rate limiter stays on: bench/gateway-config.yaml raises the limit so that wrk, from one
# address, is never refused, but every request still costs one decision in Redis: in the gateway
# for requests through it (the instances skip what it limited), in the instance otherwise
# (directly and through HAProxy). The run checks that from Redis's own counters. One more target,
# an instance directly with the gateway's secret header (which makes it skip its limiter), gives
# the limiter's own cost.
#
# Installs haproxy and wrk with apt-get when missing (needs root). Everything on loopback, in a
# temporary directory removed at the end; every process started is stopped by its pid.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-4}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-20}"
THREADS="${THREADS:-3}"
CONNECTIONS="${CONNECTIONS:-30}"
LAT_CONNECTIONS="${LAT_CONNECTIONS:-4}"
LAT_PAUSE_MS="${LAT_PAUSE_MS:-5}"
AIM_RATIO="${AIM_RATIO:-0.95}"
AIM_P99_MS="${AIM_P99_MS:-1}"
source "$root/bench/lib.sh"
require_whole_numbers ROUNDS DURATION WARMUP THREADS CONNECTIONS LAT_CONNECTIONS LAT_PAUSE_MS
[ "$ROUNDS" -ge 1 ] && [ "$DURATION" -ge 1 ] && [ "$CONNECTIONS" -ge "$THREADS" ] && [ "$LAT_CONNECTIONS" -ge 1 ] \
  || { echo "gateway.sh: needs ROUNDS >= 1, DURATION >= 1, CONNECTIONS >= THREADS, LAT_CONNECTIONS >= 1" >&2; exit 2; }

run_started=$(now_ns)

# --- tools: Debian's haproxy and wrk
missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v redis-cli >/dev/null || missing+=(redis-tools)
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "needs ${missing[*]} (apt-get install ${missing[*]}), or root to install them"
  say "installing ${missing[*]} (apt-get)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

JAVA_HOME="$("$root/nlt" java-home)" || die "needs a JDK 25 (e.g. /usr/lib/jvm/temurin-25-jdk-amd64) or JAVA_HOME pointing at one"
export JAVA_HOME

tmp="$(mktemp -d /tmp/nlt-gateway-bench.XXXXXX)"
chmod 755 "$tmp" # PostgreSQL runs as user postgres and must reach its data dir inside
launcher=""
haproxy_pid=""
cleanup() {
  [ -n "$haproxy_pid" ] && stop_pid "$haproxy_pid" 5
  [ -n "$launcher" ] && stop_pid "$launcher" 60 # after a SIGKILL its servers' watchdogs stop them
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# --- the machine, and whether someone else is using it
machine_before_run
say "$cores cores, $cpu_model, $mem_gib GiB, load $load_before; $(haproxy -v | head -n 1 | cut -d ' ' -f 1-3), wrk $(wrk -v 2>&1 | head -n 1 | cut -d ' ' -f 2)"

# --- nlt up (builds first when the sources changed)
say "build (if needed)"
"$root/nlt" config show >/dev/null
port="$(free_port)" || die "no free port found"
haproxy_port="$(free_port)" || die "no free port found"
stats_port="$(free_port)" || die "no free port found"
data="$tmp/data"
# A second attempt on a fresh data dir when the first fails: on a machine crowded by other work
# `nlt up` can give up on a timeout while starting (the failure is printed).
for attempt in 1 2; do
  say "nlt up --data-dir $data --port $port --config bench/gateway-config.yaml"
  up_started=$(now_ns)
  "$root/nlt" up --data-dir "$data" --port "$port" --config "$root/bench/gateway-config.yaml" >"$tmp/up.log" 2>&1 &
  launcher=$! # nlt execs the launcher JVM: this is its pid
  until grep -q 'NextLevel Traders is up' "$tmp/up.log" || ! kill -0 "$launcher" 2>/dev/null; do
    [ $(( ($(now_ns) - up_started) / 1000000000 )) -le 240 ] || { cat "$tmp/up.log" >&2; die "nlt up was not up within 240 s"; }
    sleep 0.2
  done
  grep -q 'NextLevel Traders is up' "$tmp/up.log" && break
  wait "$launcher" 2>/dev/null || true
  launcher=""
  [ "$attempt" = 1 ] || { cat "$tmp/up.log" >&2; die "nlt up exited before the platform was up, twice"; }
  echo "warning: nlt up exited before the platform was up ($(grep -m 1 'nlt up failed' "$tmp/up.log" || tail -n 1 "$tmp/up.log")); once more" >&2
  rm -rf "$data"
done
grep 'NextLevel Traders is up' "$tmp/up.log"

# --- the instances, as the gateway lists them
admin_port="$(cut -d ' ' -f 2 "$data/run/gateway.ports")"
curl -fsS -H "authorization: Bearer $(cat "$data/secrets/gateway-admin-token")" \
  "http://127.0.0.1:$admin_port/admin/backends" >"$tmp/backends.json"
# id port, one a line, sorted by id: {"id":"api-1","host":"127.0.0.1","port":37247,...}
backends() {
  grep -o '"id" *: *"[^"]*" *, *"host" *: *"[^"]*" *, *"port" *: *[0-9]*' "$1" \
    | sed 's/"id" *: *"\([^"]*\)".*"port" *: *\([0-9]*\)/\1 \2/' | sort
}
backends "$tmp/backends.json" >"$tmp/instances.txt"
[ "$(wc -l <"$tmp/instances.txt")" -eq 3 ] || { cat "$tmp/backends.json" >&2; die "expected 3 instances behind the gateway"; }
while read -r id instance_port; do
  [ "$(cat "$data/run/$id.port")" = "$instance_port" ] || die "$id: the gateway lists port $instance_port, $data/run/$id.port says otherwise"
done <"$tmp/instances.txt"
instance_ports=($(cut -d ' ' -f 2 "$tmp/instances.txt"))
instance_pids=($(for id in $(cut -d ' ' -f 1 "$tmp/instances.txt"); do echo "$(cat "$data/run/$id.pid")"; done))
[ "${#instance_pids[@]}" -eq 3 ] || die "cannot read the instances' pids in $data/run"
gateway_pid="$(cat "$data/run/gateway.pid")"
echo "instances: $(awk '{ printf "%s%s on %s", (NR > 1 ? ", " : ""), $1, $2 }' "$tmp/instances.txt")"

# The Redis master (its counters tell how many rate-limit decisions each target cost) and its pid.
export REDISCLI_AUTH="$(cat "$data/redis-sentinel/password")"
sentinel_port="$(awk '/^  sentinel:/ { s = 1 } s && /port:/ { print $2; exit }' "$data/run/servers.yaml")"
redis_port="$(redis-cli -p "$sentinel_port" --no-auth-warning SENTINEL get-master-addr-by-name nlt | sed -n 2p)"
redis_pid="$(sed -n "s/.*ready on 127\.0\.0\.1:$redis_port, pid \([0-9]*\),.*/\1/p" "$tmp/up.log" | head -n 1)"
[[ "$redis_port" =~ ^[0-9]+$ ]] && [[ "$redis_pid" =~ ^[0-9]+$ ]] || die "cannot find the Redis master (port '$redis_port', pid '$redis_pid')"
limiter_calls() {
  redis-cli -p "$redis_port" --no-auth-warning INFO commandstats | sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),.*/\1/p'
}

# --- HAProxy, configured as the gateway is (loadBalancer in nlt-defaults.yaml, platform.gateway)
cat "$data/tls/gateway.crt" "$data/tls/gateway.key" >"$tmp/haproxy.pem" # the gateway's certificate and key
chmod 600 "$tmp/haproxy.pem"
{
  cat <<EOF
# Written by bench/gateway.sh: HAProxy in front of the gateway's instances, set up as the gateway is.
global
    maxconn 4096
    ssl-default-bind-options ssl-min-ver TLSv1.2

defaults
    mode http
    option forwardfor                  # X-Forwarded-For, as the gateway adds
    option redispatch                  # a request that could not reach one instance tries another
    retries 2                          # platform.gateway.retries
    timeout connect 2s
    timeout client 60s
    timeout http-keep-alive 60s
    timeout server 15s                 # platform.gateway.responseTimeout
    timeout check 5s                   # loadBalancer.healthCheck.timeout

frontend public
    bind 127.0.0.1:$haproxy_port ssl crt $tmp/haproxy.pem ssl-min-ver TLSv1.2 alpn h2,http/1.1
    http-request set-header X-Forwarded-Proto https
    default_backend api

backend api
    balance leastconn
    option httpchk GET /api/health
    http-check expect status 200
    # loadBalancer.healthCheck: every 10 s, down after 2 failures, up after 3 successes;
    # fastinter as platform.gateway.fastCheckInterval
    default-server check inter 10s fastinter 1s fall 2 rise 3
EOF
  while read -r id instance_port; do echo "    server $id 127.0.0.1:$instance_port"; done <"$tmp/instances.txt"
  cat <<EOF

listen stats
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /stats
EOF
} >"$tmp/haproxy.cfg"
haproxy -c -q -f "$tmp/haproxy.cfg" || die "haproxy refused $tmp/haproxy.cfg"
haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
haproxy_pid=$!
haproxy_stats() { curl -fsS "http://127.0.0.1:$stats_port/stats;csv"; }
# pxname,svname,...: the "api" backend's servers, by column name
haproxy_servers() { # field names, e.g. "status hrsp_2xx"
  haproxy_stats | awk -F, -v want="$*" 'NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == "api" && $2 != "BACKEND" { line = $2; n = split(want, w, " "); for (i = 1; i <= n; i++) line = line " " $col[w[i]]; print line }'
}
for _ in $(seq 1 100); do
  [ "$(haproxy_servers status 2>/dev/null | grep -c ' UP$')" -eq 3 ] && break
  kill -0 "$haproxy_pid" 2>/dev/null || { cat "$tmp/haproxy.log" >&2; die "haproxy exited"; }
  sleep 0.2
done
[ "$(haproxy_servers status | grep -c ' UP$')" -eq 3 ] || { haproxy_servers status >&2; die "HAProxy does not see 3 instances UP"; }

# --- the targets
path=/api/quotes/AAPL
declare -A url title
url[direct]="http://127.0.0.1:${instance_ports[0]}$path"; title[direct]="one instance directly (HTTP)"
url[direct3]="http://127.0.0.1:${instance_ports[0]}$path"; title[direct3]="three instances directly (HTTP)"
# With the gateway's secret an instance skips its rate limiter, as for requests the gateway limited:
# the limiter's own cost is the difference from "one instance directly".
url[direct_skip]="http://127.0.0.1:${instance_ports[0]}$path"; title[direct_skip]="one instance directly, limiter skipped"
url[gateway]="https://127.0.0.1:$port$path"; title[gateway]="gateway (HTTPS)"
url[haproxy]="https://127.0.0.1:$haproxy_port$path"; title[haproxy]="HAProxy (HTTPS)"
url[gateway_http]="http://127.0.0.1:$port$path"; title[gateway_http]="gateway (loopback HTTP)"
throughput_targets=(direct direct_skip direct3 gateway haproxy gateway_http)
latency_targets=(gateway direct haproxy direct_skip gateway_http) # the baseline next to both proxies
for target in direct gateway haproxy gateway_http; do
  code="$(curl -ksS -o /dev/null -w '%{http_code}' "${url[$target]}")"
  [ "$code" = 200 ] || die "${title[$target]}: $path answered $code"
done
tls_line() { # what an OpenSSL client with its defaults (as wrk) negotiates
  openssl s_client -connect "127.0.0.1:$1" -servername localhost </dev/null 2>/dev/null \
    | awk '/^New, / { v = $2; c = $NF } END { print v " " c }'
}
echo "TLS as wrk negotiates it: gateway $(tls_line "$port"), HAProxy $(tls_line "$haproxy_port")"

# wrk's script: machine-readable figures; for direct3 each thread on its own instance (WRK_PORTS);
# for latency runs a pause before each request of a connection (WRK_PAUSE_MS); the gateway's secret
# header for direct_skip (WRK_SECRET, from the environment rather than the command line).
cat >"$tmp/bench.lua" <<'EOF'
local secret = os.getenv("WRK_SECRET") or ""
if secret ~= "" then
  wrk.headers["x-nlt-gateway-secret"] = secret
end
local ports = {}
for p in string.gmatch(os.getenv("WRK_PORTS") or "", "%d+") do ports[#ports + 1] = p end
local threads = 0
function setup(thread)
  if #ports > 0 then
    thread.addr = wrk.lookup("127.0.0.1", ports[threads % #ports + 1])[1]
    threads = threads + 1
  end
end
local pause = tonumber(os.getenv("WRK_PAUSE_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk.requests=%d\nwrk.duration_us=%d\nwrk.p50_us=%d\nwrk.p99_us=%d\nwrk.max_us=%d\n"
    .. "wrk.errors=%d\nwrk.non_2xx=%d\n", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
EOF

# CPU ticks of a process (user + system), and of the whole machine (busy, all cores).
ticks_of() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
instance_ticks() { local sum=0 pid; for pid in "${instance_pids[@]}"; do sum=$((sum + $(ticks_of "$pid"))); done; echo "$sum"; }
hz="$(getconf CLK_TCK)"

results="$tmp/results.txt" # round phase target rps p50_us p99_us max_us errors non_2xx limiter_per_req proxy_us instances_us redis_us rest_us
: >"$results"
wrk_run() { # round phase target seconds; appends a line to $results unless round is 0 (warm-up)
  local round="$1" phase="$2" target="$3" seconds="$4" out="$tmp/wrk.out" proxy_pid=""
  local args=(-t "$THREADS" -c "$CONNECTIONS") pause=0 ports="" secret=""
  if [ "$phase" = latency ]; then
    args=(-t 1 -c "$LAT_CONNECTIONS")
    pause="$LAT_PAUSE_MS"
  fi
  [ "$target" = direct3 ] && ports="${instance_ports[*]}"
  [ "$target" = direct_skip ] && secret="$(cat "$data/secrets/gateway-secret")"
  local vars=(WRK_PAUSE_MS="$pause" WRK_PORTS="$ports" WRK_SECRET="$secret")
  case "$target" in gateway|gateway_http) proxy_pid="$gateway_pid" ;; haproxy) proxy_pid="$haproxy_pid" ;; esac
  local calls0 busy0 proxy0 inst0 redis0
  calls0="$(limiter_calls)"; busy0="$(machine_busy)"; inst0="$(instance_ticks)"; redis0="$(ticks_of "$redis_pid")"
  proxy0=0; [ -n "$proxy_pid" ] && proxy0="$(ticks_of "$proxy_pid")"
  env "${vars[@]}" wrk "${args[@]}" -d "${seconds}s" --timeout 5s -s "$tmp/bench.lua" "${url[$target]}" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk failed on ${title[$target]}"; }
  local calls1 busy1 proxy1 inst1 redis1
  calls1="$(limiter_calls)"; busy1="$(machine_busy)"; inst1="$(instance_ticks)"; redis1="$(ticks_of "$redis_pid")"
  proxy1=0; [ -n "$proxy_pid" ] && proxy1="$(ticks_of "$proxy_pid")"
  local line
  line="$(awk -F= -v round="$round" -v phase="$phase" -v target="$target" -v hz="$hz" \
      -v calls=$((calls1 - calls0)) -v busy=$((busy1 - busy0)) -v proxy=$((proxy1 - proxy0)) \
      -v inst=$((inst1 - inst0)) -v redis=$((redis1 - redis0)) '
    /^wrk\./ { v[substr($1, 5)] = $2 }
    END {
      n = v["requests"]; if (n == 0) n = 1
      us = 1e6 / hz / n # microseconds of CPU per request, per tick
      printf "%s %s %s %.0f %d %d %d %d %d %.2f %.0f %.0f %.0f %.0f\n", round, phase, target,
        v["requests"] / (v["duration_us"] / 1e6), v["p50_us"], v["p99_us"], v["max_us"], v["errors"], v["non_2xx"],
        calls / n, proxy * us, inst * us, redis * us, (busy - proxy - inst - redis) * us
    }' "$out")"
  [ "$round" = 0 ] || echo "$line" >>"$results"
  awk -v t="${title[$target]}" '{ printf "  %-10s %-40s %7d req/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  errors %d, non-2xx %d;" \
      "  limiter calls/request %.2f; CPU-us/request: proxy %d, instances %d, redis %d, rest of machine %d\n",
      $2, t, $4, $5 / 1000, $6 / 1000, $7 / 1000, $8, $9, $10, $11, $12, $13, $14 }' <<<"$line"
  awk '$8 > 0 || $9 > 0 { exit 1 }' <<<"$line" || echo "warning: ${title[$target]}: failed or non-2xx answers in this run" >&2
}

# --- warm-up, then the rounds
if [ "$WARMUP" -gt 0 ]; then
  say "warm-up, uncounted: $WARMUP s of throughput load on each target"
  for target in direct3 gateway haproxy gateway_http; do wrk_run 0 warm-up "$target" "$WARMUP"; done
fi
order_throughput=("${throughput_targets[@]}")
order_latency=("${latency_targets[@]}")
for round in $(seq 1 "$ROUNDS"); do
  say "round $round of $ROUNDS: throughput (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s), then latency" \
    "(wrk -t1 -c$LAT_CONNECTIONS -d${DURATION}s, each connection pausing ${LAT_PAUSE_MS} ms between requests)"
  for target in "${order_throughput[@]}"; do wrk_run "$round" throughput "$target" "$DURATION"; done
  for target in "${order_latency[@]}"; do wrk_run "$round" latency "$target" "$DURATION"; done
  # the next round runs the targets in the reverse order
  for ((i = 0, j = ${#order_throughput[@]} - 1; i < j; i++, j--)); do
    t="${order_throughput[i]}"; order_throughput[i]="${order_throughput[j]}"; order_throughput[j]="$t"
  done
  for ((i = 0, j = ${#order_latency[@]} - 1; i < j; i++, j--)); do
    t="${order_latency[i]}"; order_latency[i]="${order_latency[j]}"; order_latency[j]="$t"
  done
done

# --- how each proxy spread its requests (whole run, warm-up included)
curl -fsS -H "authorization: Bearer $(cat "$data/secrets/gateway-admin-token")" \
  "http://127.0.0.1:$admin_port/admin/backends" >"$tmp/backends-after.json"
gateway_spread="$(grep -o '"id" *: *"[^"]*"\|"state" *: *"[^"]*"\|"requests" *: *[0-9]*' "$tmp/backends-after.json" \
  | sed 's/.*: *//; s/"//g' | paste -d ' ' - - - | sort | awk '{ printf "%s%s %s %s", (NR > 1 ? ", " : ""), $1, $3, $2 }')"
haproxy_spread="$(haproxy_servers status hrsp_2xx | sort | awk '{ printf "%s%s %s %s", (NR > 1 ? ", " : ""), $1, $3, $2 }')"
lbtot_check="$(haproxy_servers check_status | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')"

# --- stop
say "stop (haproxy, then SIGTERM to the launcher)"
stop_pid "$haproxy_pid" 5; haproxy_pid=""
stop_started=$(now_ns)
stop_pid "$launcher" 60; launcher=""
echo "stopped in $(seconds_since "$stop_started") s"

# --- summary: medians over the rounds. Ratios and added latencies are taken within each round
# (peers measured minutes apart on a shared machine drift), then their median.
median() { # numbers on stdin
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) printf "%.4f", v[(NR + 1) / 2];
    else printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
column() { # phase target column (4 rps, 5 p50, 6 p99, 7 max, 10 limiter, 11 proxy CPU, 12 instances CPU, 13 redis, 14 rest)
  awk -v p="$1" -v t="$2" -v c="$3" '$2 == p && $3 == t { print $c }' "$results"
}
mid() { column "$@" | median; }
per_round() { column "$@" | awk '{ printf "%s%.0f", (NR > 1 ? " / " : ""), $1 }'; }
# Within each round: phase column a b how (ratio: a / b, minus: a - b), one value a round
within() {
  awk -v p="$1" -v c="$2" -v a="$3" -v b="$4" -v how="$5" '$2 == p && $3 == a { x[$1] = $c } $2 == p && $3 == b { y[$1] = $c }
    END { for (r in x) if (r in y) print (how == "ratio" ? (y[r] > 0 ? x[r] / y[r] : 0) : x[r] - y[r]) }' "$results"
}
ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }
signed_ms() { awk -v v="$1" 'BEGIN { d = v / 1000; printf "%s%.2f", (d >= 0 ? "+" : ""), d }'; }
rps() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
list() { sort -g | awk -v f="$1" '{ printf "%s" f, (NR > 1 ? ", " : ""), $1 }'; } # format; sorted, not in round order
throughput_row() { printf '%s **%s** req/s (%s)' "${title[$1]}" "$(rps "$(mid throughput "$1" 4)")" "$(per_round throughput "$1" 4)"; }
latency_row() {
  printf '%s p50 %s ms, p99 %s ms, max %s ms at %s req/s' "${title[$1]}" "$(ms "$(mid latency "$1" 5)")" \
    "$(ms "$(mid latency "$1" 6)")" "$(ms "$(mid latency "$1" 7)")" "$(rps "$(mid latency "$1" 4)")"
}
added() { # target [baseline]: p50 and p99 added, medians of the rounds' differences
  local base="${2:-direct}"
  printf '**%s ms p50, %s ms p99** (p99 in the rounds: %s)' \
    "$(signed_ms "$(within latency 5 "$1" "$base" minus | median)")" \
    "$(signed_ms "$(within latency 6 "$1" "$base" minus | median)")" \
    "$(within latency 6 "$1" "$base" minus | awk '{ print $1 / 1000 }' | list '%+.2f')"
}
cpu_row() {
  local proxy instances redis
  proxy="$(mid throughput "$1" 11)"; instances="$(mid throughput "$1" 12)"; redis="$(mid throughput "$1" 13)"
  printf '%s **%s** (proxy %s, instances %s, redis %s; rest of machine: wrk, other work %s)' "${title[$1]}" \
    "$(awk -v a="$proxy" -v b="$instances" -v c="$redis" 'BEGIN { printf "%.0f", a + b + c }')" \
    "$(rps "$proxy")" "$(rps "$instances")" "$(rps "$redis")" "$(rps "$(mid throughput "$1" 14)")"
}
path_cpu() { # proxy + instances + redis, CPU-us per request, medians
  awk -v a="$(mid throughput "$1" 11)" -v b="$(mid throughput "$1" 12)" -v c="$(mid throughput "$1" 13)" 'BEGIN { print a + b + c }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
gw_ratio="$(within throughput 4 gateway haproxy ratio | median | awk '{ printf "%.2f", $1 }')"
gw_added_p99="$(within latency 6 gateway direct minus | median | awk '{ printf "%.3f", $1 / 1000 }')"
aim_throughput="$(awk -v r="$gw_ratio" -v a="$AIM_RATIO" 'BEGIN { print (r >= a) ? "met" : "not met" }')"
aim_latency="$(awk -v d="$gw_added_p99" -v a="$AIM_P99_MS" 'BEGIN { print (d <= a) ? "met" : "not met" }')"
limiter="$(for t in "${throughput_targets[@]}"; do printf '%s %.2f\n' "$t" "$(mid throughput "$t" 10)"; done | paste -sd ',' | sed 's/,/, /g')"
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ] && revision="$revision (with uncommitted changes)"

echo
say "summary ($(date -u +%Y-%m-%dT%H:%MZ), whole run $(seconds_since "$run_started") s); medians of $ROUNDS round(s)"
cat <<EOF
| | |
|---|---|
| machine | $cores cores, $cpu_model, $mem_gib GiB; load average before the run $load_before, after $(cut -d ' ' -f 1-3 /proc/loadavg) |
| command | \`bench/gateway.sh\` (ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP THREADS=$THREADS CONNECTIONS=$CONNECTIONS LAT_CONNECTIONS=$LAT_CONNECTIONS LAT_PAUSE_MS=$LAT_PAUSE_MS), revision $revision; $(haproxy -v | head -n 1 | cut -d ' ' -f 1-3), wrk $(wrk -v 2>&1 | head -n 1 | cut -d ' ' -f 2) |
| request | GET $path, keep-alive HTTP/1.1 (wrk); limiter on, one decision in Redis per request except where skipped (EVALSHA calls per request: $limiter) |
| throughput, wrk -t$THREADS -c$CONNECTIONS (median; each round) | $(throughput_row direct); $(throughput_row direct_skip); $(throughput_row direct3); $(throughput_row gateway); $(throughput_row haproxy); $(throughput_row gateway_http) |
| gateway / HAProxy req/s, within a round | **$gw_ratio** (rounds: $(within throughput 4 gateway haproxy ratio | list '%.2f')); aim ≥ $AIM_RATIO: **$aim_throughput** |
| latency, wrk -t1 -c$LAT_CONNECTIONS, ${LAT_PAUSE_MS} ms pause (medians) | $(latency_row direct); $(latency_row direct_skip); $(latency_row gateway); $(latency_row haproxy); $(latency_row gateway_http) |
| added over one instance directly, within a round | ${title[gateway]} $(added gateway); ${title[haproxy]} $(added haproxy); ${title[gateway_http]} $(added gateway_http) |
| aim: gateway p99 added ≤ $AIM_P99_MS ms | **$aim_latency** ($(awk -v d="$gw_added_p99" 'BEGIN { printf "%+.2f", d }') ms) |
| the limiter's own cost, one instance | $(added direct direct_skip); instance CPU $(rps "$(mid throughput direct 12)") against $(rps "$(mid throughput direct_skip 12)") us/request, Redis $(rps "$(mid throughput direct 13)") against $(rps "$(mid throughput direct_skip 13)"); req/s $(within throughput 4 direct direct_skip ratio | median | awk '{ printf "%.2f", $1 }') of the figure without it |
| CPU-us per request (proxy + instances + redis), throughput runs | $(cpu_row direct); $(cpu_row direct3); $(cpu_row gateway); $(cpu_row haproxy); $(cpu_row gateway_http) |
| HAProxy path / gateway path, CPU per request | **$(ratio "$(path_cpu haproxy)" "$(path_cpu gateway)")** (what the req/s ratio tends to while the machine's cores are the limit) |
| requests per instance, whole run | gateway: $gateway_spread; HAProxy: $haproxy_spread (last checks: $lbtot_check) |
EOF

#!/usr/bin/env bash
# The foundation benchmark, in one command: end-to-end MARKET orders per second through the API,
# and pgbench running the same SQL transaction against the same PostgreSQL (the machine's limit
# for that transaction); plus `nlt up` time to healthy and the resident memory of its processes.
#
#   bench/orders.sh
#
# Settings (environment): USERS=200 CLIENTS=32 DURATION=20 WARMUP=5 JIT_WARMUP=60 (seconds), and
# SYNCHRONOUS (database.replication.synchronous: remote_apply, on, remote_write, local, off; unset:
# the default) for the shard's primary; bench/replication.sh runs this with two of them.
# JIT_WARMUP is an uncounted load before the first counted phase: a fresh API JVM on two cores
# keeps its C2 compiler busy for about a minute of load before it runs at full speed.
# Everything runs on loopback, in a fresh temporary data dir that is removed at the end. Figures
# and details go to stdout; the summary table comes last. Takes about 2 min 45 s. See
# bench/RESULTS.md for what is measured and recorded figures.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-200}"
CLIENTS="${CLIENTS:-32}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
JIT_WARMUP="${JIT_WARMUP:-60}"
source "$root/bench/lib.sh"
require_whole_numbers USERS CLIENTS DURATION WARMUP JIT_WARMUP

JAVA_HOME="$("$root/nlt" java-home)" || die "needs a JDK 25 (e.g. /usr/lib/jvm/temurin-25-jdk-amd64) or JAVA_HOME pointing at one"
export JAVA_HOME
java="$JAVA_HOME/bin/java"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$pgbin/pgbench" ] && [ -x "$pgbin/psql" ] || die "needs the system's pgbench and psql (/usr/lib/postgresql/*/bin)"

run_started=$(now_ns)
tmp="$(mktemp -d /tmp/nlt-bench.XXXXXX)"
chmod 755 "$tmp" # PostgreSQL runs as user postgres and must reach its data dir inside
launcher=""
cleanup() {
  [ -n "$launcher" ] && stop_pid "$launcher" 30 # after a SIGKILL its servers' watchdogs stop them
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build: `nlt` builds the platform when its sources changed; the bench module is built with it,
# or on its own when only it is missing or older than its sources.
say "build (if needed) and configuration"
"$root/nlt" config show >"$tmp/config.yaml"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow -Dstyle.color=never"
bench_stamp="$root/bench/target/bench.stamp"
if [ ! -f "$bench_stamp" ] || [ ! -d "$root/bench/target/classes" ] \
    || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" -newer "$bench_stamp" -print -quit)" ]; then
  (cd "$root" && mvn -B -q -ntp -DskipTests package -pl bench -am) >&2
  touch "$bench_stamp"
fi
bench_cp="$root/bench/target/classes"

# database.pool.* of the effective configuration: pgbench gets as many clients as the API has
# connections, and its sessions the same server-side timeouts as the API's.
pool_value() {
  awk -v key="$1" '/^database:/ { d = 1; next } d && /^[^ ]/ { d = 0 }
    d && /^  pool:/ { p = 1; next } p && /^  [^ ]/ { p = 0 }
    d && p && $1 == key ":" { print $2; exit }' "$tmp/config.yaml"
}
pg_duration() { # nlt writes 5m, PostgreSQL wants 5min
  case "$1" in *ms|*s|*h|*d) echo "$1" ;; *m) echo "${1%m}min" ;; *) echo "$1" ;; esac
}
pool_max="$(pool_value max)"
statement_timeout="$(pg_duration "$(pool_value statementTimeout)")"
idle_timeout="$(pg_duration "$(pool_value idleInTransactionSessionTimeout)")"
[[ "$pool_max" =~ ^[0-9]+$ ]] || die "cannot read database.pool.max from 'nlt config show'"

# --- the machine, and whether someone else is using it
cores="$(nproc)"
cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
mem_gib="$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
if awk -v l="${load_before%% *}" -v n="$cores" 'BEGIN { exit !(l > n / 2) }'; then
  echo "warning: load average $load_before on $cores cores before the run: other work shares the machine," \
    "see 'rest of machine' below" >&2
fi

port="$(free_port)" || die "no free port found"

# --- nlt up, timed from launch to its "is up" line
bench_config="$root/bench/bench-config.yaml"
if [ -n "${SYNCHRONOUS:-}" ]; then
  [[ "$SYNCHRONOUS" =~ ^(remote_apply|on|remote_write|local|off)$ ]] \
    || { echo "$bench_name: SYNCHRONOUS must be remote_apply, on, remote_write, local or off" >&2; exit 2; }
  bench_config="$tmp/bench-config.yaml"
  sed "/^database:/a\\  replication: { synchronous: $SYNCHRONOUS }" "$root/bench/bench-config.yaml" >"$bench_config"
fi
say "nlt up --data-dir $tmp/data --port $port --config bench/bench-config.yaml${SYNCHRONOUS:+ with database.replication.synchronous: $SYNCHRONOUS}"
up_started=$(now_ns)
"$root/nlt" up --data-dir "$tmp/data" --port "$port" --config "$bench_config" >"$tmp/up.log" 2>&1 &
launcher=$! # nlt execs the launcher JVM: this is its pid
until grep -q ' is up in ' "$tmp/up.log"; do
  if ! kill -0 "$launcher" 2>/dev/null; then
    cat "$tmp/up.log" >&2
    die "nlt up exited before the platform was up"
  fi
  if [ $(( ($(now_ns) - up_started) / 1000000000 )) -gt 180 ]; then
    cat "$tmp/up.log" >&2
    die "nlt up was not up within 180 s"
  fi
  sleep 0.05
done
up_seconds="$(seconds_since "$up_started")"
up_line="$(grep ' is up in ' "$tmp/up.log")"
up_reported="$(sed -n 's/.* is up in \([0-9.]*\) s.*/\1/p' <<<"$up_line")"
url="$(sed -n 's/.* is up in [0-9.]* s: \(http[^ ]*\).*/\1/p' <<<"$up_line")"
up_note=""
grep -q 'nlt: building' "$tmp/up.log" && up_note=" (sources changed meanwhile: includes a build)"
echo "$up_line"
echo "up after ${up_seconds} s from launch${up_note}; launcher pid $launcher"

memory() { "$java" -cp "$bench_cp" com.nextleveltraders.bench.ProcessTree memory "$launcher"; }
memory >"$tmp/memory-idle.txt"

# --- the API under load
say "API load: $USERS users, $CLIENTS clients, server warm-up ${JIT_WARMUP} s, then per client ${WARMUP} s + ${DURATION} s"
"$java" -cp "$bench_cp" com.nextleveltraders.bench.OrderLoad --url "$url" --users "$USERS" --clients "$CLIENTS" \
  --duration "$DURATION" --warmup "$WARMUP" --jit-warmup "$JIT_WARMUP" --client socket,jdk \
  --platform-pid "$launcher" | tee "$tmp/load.txt" | grep -v '^bench\.'
memory >"$tmp/memory-loaded.txt"
figure() { sed -n "s/^$1=//p" "$2" | head -n 1; }

# --- pgbench: the same transaction, straight to the same PostgreSQL
# Where `nlt up` started the catalog: its run file for the instances and tools.
instance="$tmp/data/run/servers.yaml"
pg_value() {
  awk -v key="$1" '/^  postgres:/ { p = 1; next } p && /^  [^ ]/ { p = 0 }
    p && $1 == key ":" { gsub(/"/, "", $2); print $2; exit }' "$instance"
}
catalog_port="$(pg_value port)"
pg_user="$(pg_value user)"
pg_database="$(pg_value database)"
PGPASSWORD="$(cat "$tmp/data/postgres/password")"
export PGPASSWORD
export PGOPTIONS="-c statement_timeout=$statement_timeout -c idle_in_transaction_session_timeout=$idle_timeout"
# The API's orders go to shard 1's primary (bench-config.yaml asks for one shard): so does pgbench.
pg_port="$("$pgbin/psql" -h 127.0.0.1 -p "$catalog_port" -U "$pg_user" -Atc "SELECT primary_port FROM shards WHERE id = 1" "$pg_database")"
pg=(-h 127.0.0.1 -p "$pg_port" -U "$pg_user")
say "pgbench: $pool_max clients (database.pool.max), -j 2, -M prepared, ${WARMUP} s + ${DURATION} s, on port $pg_port"
"$pgbin/psql" "${pg[@]}" -q -v ON_ERROR_STOP=1 -v users="$USERS" "$pg_database" <<'SQL'
INSERT INTO accounts (user_id, bucket, currency, cash)
SELECT ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid, n % 1024, 'USD', 1000000000000
  FROM generate_series(1, :users) AS n
    ON CONFLICT DO NOTHING;
SQL
pgbench_run() {
  "$pgbin/pgbench" "${pg[@]}" -n -M prepared -c "$pool_max" -j 2 -D users="$USERS" \
    -f "$root/bench/order-transaction.sql" "$@" "$pg_database"
}
if [ "$WARMUP" -gt 0 ]; then
  pgbench_run -T "$WARMUP" >"$tmp/pgbench-warmup.txt" 2>&1 || { cat "$tmp/pgbench-warmup.txt" >&2; die "pgbench warm-up failed"; }
fi
"$java" -cp "$bench_cp" com.nextleveltraders.bench.ProcessTree cpu-save "$launcher" "$tmp/cpu-before.txt"
# pgbench's own CPU: the user + system time of this shell's finished children (bash's times
# builtin, second line), before and after; run in this shell, not in a $(...) subshell.
children_cpu() {
  awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}
times >"$tmp/times-before.txt"
pgbench_run -T "$DURATION" --log --log-prefix="$tmp/pgbench-log" >"$tmp/pgbench.txt" 2>&1 \
  || { cat "$tmp/pgbench.txt" >&2; die "pgbench failed"; }
times >"$tmp/times-after.txt"
pgbench_cpu="$(awk -v a="$(children_cpu "$tmp/times-before.txt")" -v b="$(children_cpu "$tmp/times-after.txt")" \
  'BEGIN { printf "%.2f", b - a }')"
"$java" -cp "$bench_cp" com.nextleveltraders.bench.ProcessTree cpu-since "$launcher" "$tmp/cpu-before.txt" \
  >"$tmp/pgbench-cpu.txt"
grep -E '^(number of|latency|tps)' "$tmp/pgbench.txt"
pgbench_tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$tmp/pgbench.txt")"
pgbench_avg="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$tmp/pgbench.txt")"
pgbench_tx="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/pgbench.txt")"
pgbench_failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$tmp/pgbench.txt")"
# Per-transaction log: the third field is the latency in microseconds.
cat "$tmp"/pgbench-log.* | awk '{ print $3 }' | sort -n >"$tmp/pgbench-latencies.txt"
percentile() { # nearest rank, in ms
  awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
    r = int(p / 100 * NR); if (r < p / 100 * NR) r++; if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }' \
    "$tmp/pgbench-latencies.txt"
}
pgbench_p50="$(percentile 50)"
pgbench_p99="$(percentile 99)"
echo "latency p50 = $pgbench_p50 ms, p99 = $pgbench_p99 ms (from the per-transaction log)"
echo "CPU-s in the run: $(paste -sd ' ' "$tmp/pgbench-cpu.txt") pgbench=$pgbench_cpu"

# --- stop
say "stop (SIGTERM to the launcher)"
stop_started=$(now_ns)
kill -TERM "$launcher"
wait "$launcher" 2>/dev/null || true
stop_seconds="$(seconds_since "$stop_started")"
launcher=""
echo "stopped in ${stop_seconds} s"

# --- summary
load="$tmp/load.txt"
api_socket="$(figure bench.socket.orders_per_s "$load")"
api_jdk="$(figure bench.jdk.orders_per_s "$load")"
round() { awk -v v="$1" 'BEGIN { if (v == "") print "n/a"; else printf "%.0f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
mem() { figure "$1" "$2"; }
per_order() { # CPU-us per order or transaction: CPU seconds, count
  awk -v s="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.0f", s * 1e6 / n; else print "n/a" }'
}
errors() {
  local e o
  e="$(figure "bench.$1.errors" "$load")"
  o="$(figure "bench.$1.other_statuses" "$load")"
  if [ "$e" = 0 ]; then echo "0 errors"; else echo "$e errors $o"; fi
}
cpu_row() { # kind: socket or jdk
  local n
  n="$(figure "bench.$1.orders" "$load")"
  printf 'API JVM %s, postgres %s, redis %s, load generator %s, rest of machine %s' \
    "$(per_order "$(figure "bench.$1.cpu_s.api" "$load")" "$n")" \
    "$(per_order "$(figure "bench.$1.cpu_s.postgres" "$load")" "$n")" \
    "$(per_order "$(figure "bench.$1.cpu_s.redis" "$load")" "$n")" \
    "$(per_order "$(figure "bench.$1.cpu_s.self" "$load")" "$n")" \
    "$(per_order "$(figure "bench.$1.cpu_s.elsewhere" "$load")" "$n")"
}
memory_row() { # file
  printf '%s MiB: launcher JVM %s, API JVM %s, postgres %s (%s processes; PSS %s), redis %s, watchdog shells %s' \
    "$(mib "$(mem rss.total "$1")")" "$(mib "$(mem rss.launcher "$1")")" "$(mib "$(mem rss.api "$1")")" \
    "$(mib "$(mem rss.postgres "$1")")" "$(mem count.postgres "$1")" "$(mib "$(mem pss.postgres "$1")")" \
    "$(mib "$(mem rss.redis "$1")")" "$(mib "$(mem rss.other "$1")")"
}
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ] && revision="$revision (with uncommitted changes)"

echo
say "summary ($(date -u +%Y-%m-%dT%H:%MZ), whole run $(seconds_since "$run_started") s)"
cat <<EOF
| | |
|---|---|
| machine | $cores cores, $cpu_model, $mem_gib GiB; load average before the run $load_before |
| command | \`bench/orders.sh\` (${SYNCHRONOUS:+SYNCHRONOUS=$SYNCHRONOUS }USERS=$USERS CLIENTS=$CLIENTS DURATION=$DURATION WARMUP=$WARMUP JIT_WARMUP=$JIT_WARMUP), revision $revision |
| API, lean socket client | **$(round "$api_socket") orders/s**, p50 $(figure bench.socket.p50_ms "$load") ms, p99 $(figure bench.socket.p99_ms "$load") ms, max $(figure bench.socket.max_ms "$load") ms, $(errors socket) |
| API, java.net.http client | $(round "$api_jdk") orders/s, p50 $(figure bench.jdk.p50_ms "$load") ms, p99 $(figure bench.jdk.p99_ms "$load") ms, max $(figure bench.jdk.max_ms "$load") ms, $(errors jdk) |
| pgbench, same transaction | **$(round "$pgbench_tps") tps**, average $pgbench_avg ms, p50 $pgbench_p50 ms, p99 $pgbench_p99 ms, ${pgbench_failed:-0} failed ($pool_max clients, -j 2, -M prepared) |
| ratio API/pgbench | **$(ratio "$api_socket" "$pgbench_tps")** (socket client), $(ratio "$api_jdk" "$pgbench_tps") (java.net.http client) |
| CPU-us per order, socket client | $(cpu_row socket) |
| CPU-us per order, java.net.http client | $(cpu_row jdk) |
| CPU-us per pgbench transaction | postgres $(per_order "$(figure postgres "$tmp/pgbench-cpu.txt")" "$pgbench_tx"), pgbench $(per_order "$pgbench_cpu" "$pgbench_tx"), rest of machine $(per_order "$(awk -v e="$(figure elsewhere "$tmp/pgbench-cpu.txt")" -v p="$pgbench_cpu" 'BEGIN { r = e - p; printf "%.2f", r < 0 ? 0 : r }')" "$pgbench_tx") |
| nlt up to healthy | $up_seconds s from launch to the "is up" line (launcher reports $up_reported s)$up_note; stop $stop_seconds s |
| RSS after up, idle | $(memory_row "$tmp/memory-idle.txt") |
| RSS after the load | $(memory_row "$tmp/memory-loaded.txt") |
EOF

# Shared by the benchmark scripts (sourced; needs $root): the launcher's JDK, a build of the bench
# module with the platform modules it uses, a java that runs it, and the shell helpers every script
# that starts processes needs.

bench_name="$(basename "$0")"
say() { printf '== %s\n' "$*"; }
die() { printf '%s: %s\n' "$bench_name" "$*" >&2; exit 1; }
now_ns() { date +%s%N; }
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# Exits with 2 naming the first of the named variables that is not a whole number.
require_whole_numbers() {
  local name
  for name in "$@"; do
    [[ "${!name}" =~ ^[0-9]+$ ]] || { echo "$bench_name: $name must be a whole number, not '${!name}'" >&2; exit 2; }
  done
}

# A loopback port nothing listens on (a random one, tried up to 50 times).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

stop_pid() { # pid, seconds to wait after SIGTERM before SIGKILL
  local pid="$1" waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $(($2 * 10)) ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

bench_build() {
  JAVA_HOME="$("$root/nlt" java-home)"
  export JAVA_HOME
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow -Dstyle.color=never"
  local log
  log="$(mktemp)"
  if ! (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

bench_java() {
  "$JAVA_HOME/bin/java" -cp "$root/bench/target/classes:$root/bench/target/lib/*" "$@"
}

bench_machine() {
  echo "== $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), load $(cut -d ' ' -f 1-3 /proc/loadavg)"
}

# Sets cores, cpu_model, mem_gib and load_before for the results table, and warns on stderr when the
# load average before the run says that other work shares the machine.
machine_before_run() {
  cores="$(nproc)"
  cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  mem_gib="$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
  load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
  if awk -v l="${load_before%% *}" -v n="$cores" 'BEGIN { exit !(l > n / 2) }'; then
    echo "warning: load average $load_before on $cores cores before the run: other work shares the machine" >&2
  fi
}

# Shared by bench/ratelimit.sh and bench/portfolio.sh (sourced; needs $root): the launcher's JDK,
# a build of the bench module with the platform modules it uses, and a java that runs it.

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

# Shared by bin/memflow and bin/bench: rebuild one module's jar when it is missing or older than
# any pom.xml or main source file. Source this file after bin/lib/jdk.sh has set JAVA_HOME.

# memflow_build_if_stale ROOT JAR MODULE NAME: builds MODULE (and what it needs) with the Maven
# wrapper, quietly, when JAR is stale; says so in one line to stderr prefixed with NAME. On a
# failed build, prints Maven's output and returns 1.
memflow_build_if_stale() {
  local root=$1 jar=$2 module=$3 name=$4
  if [ -f "$jar" ] && [ -z "$(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "$name: building (first use or changed sources; this takes a minute)..." >&2
  local log
  log=$(mktemp)
  if ! (cd "$root" && ./mvnw -B -q -ntp -DskipTests -pl "$module" -am package >"$log" 2>&1); then
    cat "$log" >&2
    rm -f "$log"
    echo "$name: the build failed; the Maven output is above." >&2
    return 1
  fi
  rm -f "$log"
}

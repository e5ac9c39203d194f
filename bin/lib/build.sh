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

# The JIT flags of every JVM that runs a job. On these jobs of a few seconds the JIT compilers use
# a third to a half of all CPU time; less inlining of large hot methods (FreqInlineSize, 325 by
# default) and no type speculation from argument and return profiles take 25-50% off the C2
# compiler's time, with fewer recompilations after failed speculations and smaller compiled
# methods, at no measured loss of speed (docs/benchmarks.md, run J15). An AOT cache only maps
# into a JVM with the TypeProfileLevel it was made with, so every JVM that bin/memflow starts
# with the cache (the launcher too) sets the level these flags set.
memflow_job_jit=(-XX:FreqInlineSize=100 -XX:-UseTypeSpeculation -XX:TypeProfileLevel=0)

# memflow_aot_cache_if_stale JAR CACHE: makes CACHE, a JDK AOT cache (JEP 483/514: classes
# loaded and linked ahead of time) for JAR, when it is missing or older than JAR or than this file
# (which sets the flags it is made with), from a training run of every kind of command on small
# files (AotTraining.java: the default job on 50 k rows, generate, the built-ins, plan). About 8 s
# once per build; it takes about 0.4 s off the start of every later JVM (launcher and
# TaskManager). Method profiles are left out (-AOTRecordTraining): replaying the small run's
# profiles made 5 M-row jobs slower. A failure only costs the speed-up: the JVM ignores a missing
# or stale cache.
memflow_aot_cache_if_stale() {
  local jar=$1 cache=$2
  if [ -f "$cache" ] && [ "$cache" -nt "$jar" ] && [ "$cache" -nt "${BASH_SOURCE[0]}" ]; then
    return 0
  fi
  echo "memflow: preparing the start-up cache (once per build)..." >&2
  local work
  work=$(mktemp -d)
  rm -f "$cache"
  if ! (cd "$work" && MEMFLOW_NO_RELAUNCH=1 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
      "${memflow_job_jit[@]}" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -XX:AOTCacheOutput="$cache.tmp" \
      -cp "$jar" io.memflow.cli.AotTraining "$work" \
      >"$work/log.txt" 2>&1) || [ ! -s "$cache.tmp" ]; then
    echo "memflow: the start-up cache could not be made (see below); running without it." >&2
    tail -n 5 "$work/log.txt" >&2
    rm -f "$cache.tmp"
  else
    mv "$cache.tmp" "$cache"
  fi
  rm -rf "$work"
}

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

# memflow_aot_cache_if_stale JAR CACHE [WORKLOAD]: makes CACHE, a JDK AOT cache (JEP 483/514/515:
# classes loaded and linked ahead of time, and method profiles) for JAR, when it is missing or
# older than JAR or than this file (which sets the flags it is made with), from a training run
# (AotTraining.java). WORKLOAD `commands` (the default) runs every kind of command on small files
# and keeps no method profiles (the default job's profiles from a small run made 5 M-row jobs
# slower): the cache of every command but the three built-in jobs.
# `aggregate`, `sort` and `join` run that built-in on 1 M generated orders (written first by a
# JVM of their own) at parallelism 1 and 2, in memory and spilling, and keep the profiles, so
# that the JIT compiles the job's hot methods early and for this job alone: bin/memflow starts
# `run aggregate` with memflow-aggregate.aot, and so on (docs/runtime.md: the 5 M-row aggregate at
# parallelism 2 took 1.09 s against 1.43 s). About 5-10 s per cache, once per build, each made on
# its command's first use. WORKLOAD `default` does the same for the default job (`memflow run`),
# trained on 1 M orders (the 8 M-row job: 9.04 s against 9.25 s, 12.3 s of CPU against 13.2 s,
# eight alternating runs). A failure only costs the speed-up: the JVM ignores a missing or stale
# cache.
memflow_aot_cache_if_stale() {
  local jar=$1 cache=$2 workload=${3:-commands}
  if [ -f "$cache" ] && [ "$cache" -nt "$jar" ] && [ "$cache" -nt "${BASH_SOURCE[0]}" ]; then
    return 0
  fi
  local what="the start-up cache" profiles=(-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining)
  case $workload in
    aggregate | sort | join) what="the start-up cache of run $workload" profiles=() ;;
    default) what="the start-up cache of the default job" profiles=() ;;
  esac
  echo "memflow: preparing $what (once per build)..." >&2
  local work tmp="$cache.$$.tmp" java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "${memflow_job_jit[@]}")
  work=$(mktemp -d)
  rm -f "$cache"
  if ! (cd "$work" && export MEMFLOW_NO_RELAUNCH=1 \
      && case $workload in aggregate | sort | join) "${java[@]}" -cp "$jar" io.memflow.cli.AotTraining "$work" data ;; esac \
      && "${java[@]}" ${profiles[@]+"${profiles[@]}"} -XX:AOTCacheOutput="$tmp" \
        -cp "$jar" io.memflow.cli.AotTraining "$work" "$workload") >"$work/log.txt" 2>&1 \
      || [ ! -s "$tmp" ]; then
    echo "memflow: $what could not be made (see below); running without it." >&2
    tail -n 5 "$work/log.txt" >&2
    rm -f "$tmp"
  else
    mv "$tmp" "$cache" # atomic: two first runs at once each train, and one cache wins whole
  fi
  rm -rf "$work"
}

# Sourced by bin/memflow, bin/test, bin/bench and .ci/run: finds a JDK 25 and exports JAVA_HOME.
#
# Lookup order: $JAVA_HOME, the java on $PATH, then the system's JVM directory
# (/usr/lib/jvm on Linux, /Library/Java/JavaVirtualMachines on macOS). A JDK counts when its
# bin/java and bin/javac exist and its `release` file (or, without one, java itself) reports
# feature version 25 or newer.

memflow_java_feature() {
  # Prints the feature version (17, 25, ...) of the java binary $1, or nothing.
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

memflow_release_feature() {
  # Prints the feature version that the JDK home $1 declares in its `release` file (every JDK
  # since 9 has one: JAVA_VERSION="25.0.3"), or nothing. Reading it costs no JVM start (about
  # 0.1 s per candidate); "1.8.0" style versions print 1, which is below 25 as it should be.
  [ -f "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
}

memflow_is_jdk25() {
  local home=$1 v
  [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  v=$(memflow_release_feature "$home")
  [ -n "$v" ] || v=$(memflow_java_feature "$home/bin/java")
  [ -n "$v" ] && [ "$v" -ge 25 ]
}

memflow_find_jdk() {
  local candidate java_on_path
  if memflow_is_jdk25 "${JAVA_HOME:-}"; then
    export JAVA_HOME
    return 0
  fi
  if java_on_path=$(command -v java 2>/dev/null); then
    candidate=$(cd "$(dirname "$(readlink -f "$java_on_path")")/.." && pwd)
    if memflow_is_jdk25 "$candidate"; then
      export JAVA_HOME=$candidate
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if memflow_is_jdk25 "$candidate"; then
      export JAVA_HOME=$candidate
      return 0
    fi
  done
  cat >&2 <<MSG
memflow: no JDK 25 found. memflow needs a JDK 25 or newer (java and javac). It looked at
JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH ($(command -v java 2>/dev/null || echo none)),
and the JDKs under /usr/lib/jvm. Install one (for example Temurin 25 or 'openjdk-25-jdk') and
set JAVA_HOME to its directory, then run the command again.
MSG
  return 1
}

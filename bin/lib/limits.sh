# Sourced by bin/memflow: the memory limits that `memflow run` remembers from its last run (one
# line, written by Launcher.java). bin/memflow starts the next run's JVM with them, so that when
# the next run plans the same limits, it runs the job in that JVM instead of starting a second.

# memflow_remembered_limits FILE: sets the array memflow_limits to the words of FILE's first line
# and returns 0 if they are exactly -Xmx<bytes> -Xms<bytes> -XX:MaxDirectMemorySize=<bytes>
# -XX:MaxMetaspaceSize=<bytes>, each once, in any order, with sizes a JVM here starts with: the
# same initial and maximum heap, at least 64 MiB of heap and of metaspace, no more heap than the
# machine's memory. Otherwise (no file, empty, garbage, another flag) it empties memflow_limits
# and returns 1, and the caller starts the JVM as if nothing were remembered. Starts no process.
memflow_remembered_limits() {
  local file=$1 word heap='' initial='' direct='' meta='' size='([1-9][0-9]{0,12})'
  local -a words=()
  memflow_limits=()
  [ -f "$file" ] && [ -r "$file" ] || return 1
  read -r -a words <"$file" || [ ${#words[@]} -gt 0 ] || return 1
  [ ${#words[@]} -eq 4 ] || return 1
  for word in "${words[@]}"; do
    if [[ $word =~ ^-Xmx$size$ && -z $heap ]]; then heap=${BASH_REMATCH[1]}
    elif [[ $word =~ ^-Xms$size$ && -z $initial ]]; then initial=${BASH_REMATCH[1]}
    elif [[ $word =~ ^-XX:MaxDirectMemorySize=$size$ && -z $direct ]]; then direct=${BASH_REMATCH[1]}
    elif [[ $word =~ ^-XX:MaxMetaspaceSize=$size$ && -z $meta ]]; then meta=${BASH_REMATCH[1]}
    else return 1
    fi
  done
  local min=$((64 * 1024 * 1024))
  [ "$heap" = "$initial" ] && [ "$heap" -ge "$min" ] && [ "$meta" -ge "$min" ] || return 1
  memflow_memory_bytes
  [ "$heap" -le "$memflow_memory" ] || return 1
  memflow_limits=("${words[@]}")
}

# memflow_memory_bytes: sets memflow_memory to the machine's memory in bytes (MemTotal of
# /proc/meminfo), or to a large bound (1 TiB) where there is no /proc/meminfo.
memflow_memory_bytes() {
  local key value rest
  memflow_memory=$((1024 * 1024 * 1024 * 1024))
  if [ -r /proc/meminfo ]; then
    while read -r key value rest; do
      if [ "$key" = MemTotal: ] && [[ $value =~ ^[0-9]{1,12}$ ]]; then
        memflow_memory=$((value * 1024))
        return 0
      fi
    done </proc/meminfo
  fi
}

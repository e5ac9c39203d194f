package io.memflow.cli;

import java.util.List;
import java.util.Objects;

/**
 * Decides whether a JVM already has a memory plan's limits ({@code -Xmx -Xms
 * -XX:MaxDirectMemorySize -XX:MaxMetaspaceSize}), so that {@code memflow run} may run the job in
 * it instead of relaunching. Stateless and thread-safe.
 *
 * <p>The decision reads the JVM's input arguments as the JVM reads them: for each limit the last
 * flag that sets it wins ({@code -XX:MaxHeapSize=} and {@code -XX:InitialHeapSize=} are the
 * long names of {@code -Xmx} and {@code -Xms}), and every limit must be set to exactly the
 * planned value, or be unset where the plan sets none. Values are compared as written: {@code
 * -Xmx1g} does not match a planned {@code -Xmx1073741824}, which only costs a relaunch. Flags
 * that read more flags from a file hide what they set, so they never match.
 */
final class JvmLimits {

  /** The limits a plan sets, each with the flag prefixes that set it. */
  private enum Limit {
    MAX_HEAP("-Xmx", "-XX:MaxHeapSize="),
    INITIAL_HEAP("-Xms", "-XX:InitialHeapSize="),
    MAX_DIRECT("-XX:MaxDirectMemorySize="),
    MAX_METASPACE("-XX:MaxMetaspaceSize=");

    private final List<String> prefixes;

    Limit(String... prefixes) {
      this.prefixes = List.of(prefixes);
    }

    /** The value {@code flag} sets this limit to, or null if it sets another. */
    String valueIn(String flag) {
      for (String prefix : prefixes) {
        if (flag.startsWith(prefix)) {
          return flag.substring(prefix.length());
        }
      }
      return null;
    }

    /** The value the last of {@code flags} that sets this limit sets, or null if none does. */
    String lastValueIn(List<String> flags) {
      String value = null;
      for (String flag : flags) {
        String v = valueIn(flag);
        value = v != null ? v : value;
      }
      return value;
    }
  }

  private static final String READS_FILE_FLAG = "-XX:Flags=";
  private static final String READS_OPTIONS_FILE_FLAG = "-XX:VMOptionsFile=";

  private JvmLimits() {}

  /**
   * Whether a JVM started with {@code inputArguments} has exactly the limits {@code planned}
   * sets. False when {@code planned} holds a flag that is none of the four limits.
   *
   * @param inputArguments the JVM's input arguments, in order (as {@code RuntimeMXBean} lists them)
   * @param planned the plan's limit flags, such as {@code -Xmx335544320}
   * @return true if every limit is set as planned
   */
  static boolean setBy(List<String> inputArguments, List<String> planned) {
    for (String flag : inputArguments) { // loops, not streams: no lambda classes to make at start-up
      if (flag.startsWith(READS_FILE_FLAG) || flag.startsWith(READS_OPTIONS_FILE_FLAG)) {
        return false;
      }
    }
    for (String flag : planned) {
      if (!isLimit(flag)) {
        return false;
      }
    }
    for (Limit limit : Limit.values()) {
      if (!Objects.equals(limit.lastValueIn(inputArguments), limit.lastValueIn(planned))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a JVM reporting {@code maxMemory} ({@link Runtime#maxMemory()}) can have a heap of
   * {@code heapBytes}: collectors leave a survivor space out (down to about 7/8 of the heap)
   * and round the heap up to their alignment, so the bounds are 3/4 and 9/8 of the heap.
   *
   * @param maxMemory what the JVM reports
   * @param heapBytes the planned {@code -Xmx}
   * @return true if consistent
   */
  static boolean heapConsistent(long maxMemory, long heapBytes) {
    return maxMemory >= heapBytes - heapBytes / 4 && maxMemory <= heapBytes + heapBytes / 8;
  }

  private static boolean isLimit(String flag) {
    for (Limit limit : Limit.values()) {
      if (limit.valueIn(flag) != null) {
        return true;
      }
    }
    return false;
  }
}

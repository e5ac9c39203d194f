package io.memflow.config.memory;

import io.memflow.config.MemorySize;
import java.util.Map;
import java.util.stream.Collectors;

/** Formats JVM flags and dynamic properties exactly as Flink's launcher does. Stateless. */
final class JvmArgs {

  private JvmArgs() {}

  static String of(
      MemorySize heap, MemorySize direct, MemorySize metaspace, boolean limitDirectMemory) {
    StringBuilder args = new StringBuilder();
    args.append("-Xmx").append(heap.bytes()).append(" -Xms").append(heap.bytes());
    if (limitDirectMemory) {
      args.append(" -XX:MaxDirectMemorySize=").append(direct.bytes());
    }
    return args.append(" -XX:MaxMetaspaceSize=").append(metaspace.bytes()).toString();
  }

  /**
   * Joins {@code -D key=value} pairs in the map's iteration order. Flink fills a {@link
   * java.util.HashMap} in a fixed order and prints it as it iterates; callers do the same so
   * the string is identical.
   */
  static String dynamicProperties(Map<String, String> props) {
    return props.entrySet().stream()
        .map(e -> "-D " + e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }
}

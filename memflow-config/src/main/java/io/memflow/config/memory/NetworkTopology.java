package io.memflow.config.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The shape of a job as the network stack sees it on one TaskManager: the tasks that share a
 * slot (one subtask of each runs in every slot), each with its input gates (channel counts) and
 * result partitions (subpartition counts), the number of slots per TaskManager, and whether the
 * job runs in streaming (pipelined, bounded partitions) or batch (blocking, sort-shuffle) mode.
 *
 * <p>Immutable and thread-safe. Invariants: at least one slot; every count at least 1.
 *
 * @param mode streaming or batch
 * @param slotsPerTaskManager slots per TaskManager, each running one subtask of every task
 * @param tasks the tasks of the slot sharing group
 */
public record NetworkTopology(Mode mode, int slotsPerTaskManager, List<Task> tasks) {

  /** How partitions are exchanged. */
  public enum Mode {
    /** Pipelined bounded partitions; gates read without a cap on required buffers. */
    STREAMING,
    /** Blocking partitions with sort shuffle; gates require at most 1000 buffers. */
    BATCH
  }

  /**
   * One task (job vertex) of the slot sharing group.
   *
   * @param name the task's name
   * @param inputGates the number of channels of each input gate
   * @param resultPartitions the number of subpartitions of each result partition
   */
  public record Task(String name, List<Integer> inputGates, List<Integer> resultPartitions) {

    /**
     * Creates a task.
     *
     * @param name the name
     * @param inputGates channels per gate, each at least 1
     * @param resultPartitions subpartitions per partition, each at least 1
     */
    public Task {
      Objects.requireNonNull(name, "name");
      inputGates = positive(inputGates, name + " input gate channels");
      resultPartitions = positive(resultPartitions, name + " result partition subpartitions");
    }
  }

  /**
   * Creates a topology.
   *
   * @param mode streaming or batch
   * @param slotsPerTaskManager at least 1
   * @param tasks the tasks
   */
  public NetworkTopology {
    Objects.requireNonNull(mode, "mode");
    if (slotsPerTaskManager < 1) {
      throw new IllegalArgumentException(
          "slotsPerTaskManager must be at least 1, was " + slotsPerTaskManager);
    }
    tasks = List.copyOf(tasks);
  }

  private static List<Integer> positive(List<Integer> counts, String what) {
    for (Integer count : counts) {
      if (count == null || count < 1) {
        throw new IllegalArgumentException(what + " must each be at least 1, was " + counts);
      }
    }
    return List.copyOf(counts);
  }

  /**
   * Reads a topology from YAML or JSON:
   *
   * <pre>
   * mode: streaming            # or batch
   * slotsPerTaskManager: 4
   * tasks:
   *   - name: source
   *     outputs: [128]         # subpartitions of each result partition
   *   - name: window
   *     inputs: [128]          # channels of each input gate
   *     outputs: [64]
   * </pre>
   *
   * @param text the YAML or JSON text
   * @param source the file name for messages
   * @return the topology
   * @throws IllegalArgumentException if the text is malformed (the message says where)
   */
  public static NetworkTopology parse(String text, String source) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new IllegalArgumentException(source + " is not valid YAML or JSON: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(source + " must be a map with mode, slotsPerTaskManager "
          + "and tasks");
    }
    Mode mode = parseMode(String.valueOf(field(map, "mode", "streaming")), source);
    int slots = integer(field(map, "slotsPerTaskManager", 1), source + ": slotsPerTaskManager");
    if (!(map.get("tasks") instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException(source + ": 'tasks' must be a non-empty list");
    }
    List<Task> tasks = new ArrayList<>();
    for (Object item : list) {
      tasks.add(parseTask(item, source + ": task " + (tasks.size() + 1)));
    }
    return new NetworkTopology(mode, slots, tasks);
  }

  private static Mode parseMode(String text, String source) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "streaming" -> Mode.STREAMING;
      case "batch" -> Mode.BATCH;
      default ->
          throw new IllegalArgumentException(
              source + ": mode must be 'streaming' or 'batch', was '" + text + "'");
    };
  }

  private static Task parseTask(Object item, String where) {
    if (!(item instanceof Map<?, ?> task)) {
      throw new IllegalArgumentException(where + " must be a map with name, inputs, outputs");
    }
    String name = String.valueOf(field(task, "name", where));
    return new Task(name, counts(task.get("inputs"), where + " inputs"),
        counts(task.get("outputs"), where + " outputs"));
  }

  private static List<Integer> counts(Object value, String where) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(where + " must be a list of counts, was " + value);
    }
    List<Integer> counts = new ArrayList<>();
    for (Object count : list) {
      counts.add(integer(count, where));
    }
    return counts;
  }

  private static Object field(Map<?, ?> map, String key, Object fallback) {
    Object value = map.get(key);
    return value == null ? fallback : value;
  }

  private static int integer(Object value, String where) {
    if (value instanceof Integer i) {
      return i;
    }
    throw new IllegalArgumentException(where + " must be a whole number, was " + value);
  }
}

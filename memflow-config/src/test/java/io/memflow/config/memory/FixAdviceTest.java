package io.memflow.config.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.config.Configuration;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fixes proposed for rejected random configurations are checked by applying them: a
 * "smallest value that works" must plan and one byte less must not; any other numeric fix must
 * at least remove the problem it was proposed for.
 */
class FixAdviceTest {

  private static final Pattern SMALLEST =
      Pattern.compile("set (\\S+) to at least (?:(\\d+)m \\(the smallest value that works is "
          + "(\\d+)b\\)|(\\S+) \\(the smallest value that works\\))");
  private static final Pattern NUMERIC = Pattern.compile("set (\\S+) to (?:at least |between )?(\\d+b)");

  @Test
  void taskManagerFixesWork() {
    RandomConfigs configs = new RandomConfigs(99);
    Counts counts = new Counts();
    for (int i = 0; i < 3_000; i++) {
      check(Configuration.of(configs.taskManager()), MemoryPlanner::planTaskManager, counts);
    }
    assertThat(counts.smallest).isGreaterThan(50);
    assertThat(counts.numeric).isGreaterThan(20);
  }

  @Test
  void jobManagerFixesWork() {
    RandomConfigs configs = new RandomConfigs(98);
    Counts counts = new Counts();
    for (int i = 0; i < 3_000; i++) {
      check(Configuration.of(configs.jobManager()), MemoryPlanner::planJobManager, counts);
    }
    assertThat(counts.smallest).isGreaterThan(50);
    assertThat(counts.numeric).isGreaterThan(20);
  }

  private static final class Counts {
    int smallest;
    int numeric;
  }

  private static void check(Configuration config, Function<Configuration, ?> plan, Counts counts) {
    InvalidMemoryConfigurationException e;
    try {
      plan.apply(config);
      return;
    } catch (InvalidMemoryConfigurationException rejected) {
      e = rejected;
    }
    Matcher smallest = SMALLEST.matcher(e.fix());
    if (smallest.find()) {
      counts.smallest++;
      String key = smallest.group(1);
      long bytes = smallest.group(3) != null
          ? Long.parseLong(smallest.group(3))
          : io.memflow.config.MemorySize.parse(smallest.group(4)).bytes();
      assertThat(plans(plan, config.with(key, bytes + "b"))).as(config + " " + e.fix()).isTrue();
      assertThat(plans(plan, config.with(key, (bytes - 1) + "b"))).as(e.fix()).isFalse();
      if (smallest.group(2) != null) {
        assertThat(plans(plan, config.with(key, smallest.group(2) + "m"))).isTrue();
      }
      return;
    }
    Matcher numeric = NUMERIC.matcher(e.fix());
    if (numeric.find()) {
      counts.numeric++;
      Configuration fixed = config.with(numeric.group(1), numeric.group(2));
      assertThat(problemAfter(plan, fixed)).as(config + "\n" + e.getMessage())
          .isNotEqualTo(e.problem());
    }
  }

  private static boolean plans(Function<Configuration, ?> plan, Configuration config) {
    return problemAfter(plan, config) == null;
  }

  private static String problemAfter(Function<Configuration, ?> plan, Configuration config) {
    try {
      plan.apply(config);
      return null;
    } catch (InvalidMemoryConfigurationException e) {
      return e.problem();
    }
  }

  @Test
  void fixesNameTheOptionsInConflict() {
    var e = org.assertj.core.api.Assertions.catchThrowableOfType(
        InvalidMemoryConfigurationException.class,
        () -> MemoryPlanner.planTaskManager(Configuration.of(Map.of(
            "taskmanager.memory.process.size", "2g",
            "taskmanager.memory.jvm-overhead.min", "512m",
            "taskmanager.memory.jvm-overhead.max", "256m"))));
    assertThat(e.keys()).contains("taskmanager.memory.jvm-overhead.fraction",
        "taskmanager.memory.jvm-overhead.min", "taskmanager.memory.jvm-overhead.max");
    assertThat(e.getMessage()).contains("512 mb").contains("256 mb");
  }
}

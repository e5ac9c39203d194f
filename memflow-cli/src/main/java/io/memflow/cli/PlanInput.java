package io.memflow.cli;

import io.memflow.config.ConfigFiles;
import io.memflow.config.Configuration;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every {@code plan} subcommand shares: where the Flink configuration comes from,
 * the output format and whether to explain. A picocli mixin; one instance per command run.
 */
final class PlanInput {

  @Option(
      names = "--conf",
      paramLabel = "PATH",
      description = "Flink conf directory, config.yaml or legacy flink-conf.yaml.")
  Path conf;

  @Option(
      names = "-D",
      paramLabel = "key=value",
      description = "Set an option (overrides the file). Repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--explain",
      description = "Show the rule that decided each component.")
  boolean explain;

  /** Loads the file (if any) and applies the {@code -D} overrides. */
  Configuration configuration() {
    return load(conf, overrides);
  }

  /**
   * The Flink configuration of {@code conf} (a conf directory or file; none if null) with {@code
   * overrides} applied: what {@code plan} and {@code run} read.
   */
  static Configuration load(Path conf, Map<String, String> overrides) {
    Configuration base = Configuration.empty();
    if (conf != null) {
      try {
        base = ConfigFiles.load(conf);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new UserInputException("cannot read the Flink configuration: " + e.getMessage(), e);
      }
    }
    return base.withAll(overrides);
  }

  /** Checks a {@code --format} value against the allowed ones. */
  static String format(String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new UserInputException(
          "unknown --format '" + value + "'; use one of " + String.join(", ", allowed) + ".");
    }
    return value;
  }
}

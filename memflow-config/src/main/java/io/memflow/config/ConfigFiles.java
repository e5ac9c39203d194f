package io.memflow.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads Flink configuration files into a {@link Configuration}.
 *
 * <p>Two formats: Flink 2.x {@code config.yaml} (standard YAML; nested maps are flattened into
 * dotted keys, so {@code taskmanager: {memory: {process.size: 2g}}} and {@code
 * taskmanager.memory.process.size: 2g} are the same option), and the legacy {@code
 * flink-conf.yaml} (one {@code key: value} per line, {@code #} starts a comment). A directory
 * means its {@code config.yaml}, or its {@code flink-conf.yaml} when there is no {@code
 * config.yaml}. Stateless and thread-safe.
 */
public final class ConfigFiles {

  /** The name of Flink 2.x's configuration file. */
  public static final String CONFIG_YAML = "config.yaml";

  /** The name of Flink 1.x's legacy configuration file. */
  public static final String LEGACY_FLINK_CONF = "flink-conf.yaml";

  private ConfigFiles() {}

  /**
   * Loads a configuration file, or the configuration file in a directory.
   *
   * @param path a {@code config.yaml} or {@code flink-conf.yaml} file, or a directory holding one
   * @return the options in the file
   * @throws IllegalArgumentException if there is no such file or it is malformed (the message
   *     names the file and, where known, the line)
   * @throws UncheckedIOException if the file cannot be read
   */
  public static Configuration load(Path path) {
    Path file = resolve(path);
    String text = read(file);
    if (file.getFileName().toString().equals(LEGACY_FLINK_CONF)) {
      return parseLegacy(text, file.toString());
    }
    return parseYaml(text, file.toString());
  }

  private static Path resolve(Path path) {
    if (Files.isDirectory(path)) {
      for (String name : List.of(CONFIG_YAML, LEGACY_FLINK_CONF)) {
        if (Files.isRegularFile(path.resolve(name))) {
          return path.resolve(name);
        }
      }
      throw new IllegalArgumentException(
          "the directory " + path + " holds neither " + CONFIG_YAML + " nor " + LEGACY_FLINK_CONF);
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("no such configuration file or directory: " + path);
    }
    return path;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses Flink 2.x {@code config.yaml} text: nested maps become dotted keys, scalars their
   * text, lists their YAML flow form.
   *
   * @param text the YAML text
   * @param source the file name for messages
   * @return the options
   * @throws IllegalArgumentException if the text is not a YAML map
   */
  public static Configuration parseYaml(String text, String source) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage(), e);
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root instanceof Map<?, ?> map) {
      flatten(map, "", flat);
    } else if (root != null) {
      throw new IllegalArgumentException(
          source + " must be a YAML map of options, but its top level is " + describe(root));
    }
    return Configuration.of(flat);
  }

  private static void flatten(Map<?, ?> map, String prefix, Map<String, String> out) {
    map.forEach(
        (key, value) -> {
          String flatKey = prefix + key;
          if (value instanceof Map<?, ?> nested) {
            flatten(nested, flatKey + ".", out);
          } else if (value instanceof List<?> list) {
            out.put(flatKey, new Yaml().dump(list).trim());
          } else if (value != null) {
            out.put(flatKey, value.toString());
          }
        });
  }

  private static String describe(Object value) {
    return value instanceof List<?> ? "a list" : "the scalar '" + value + "'";
  }

  /**
   * Parses legacy {@code flink-conf.yaml} text as Flink 1.x did: per line, drop everything from
   * the first {@code #}, split at the first {@code ": "}, trim both sides; lines without a key
   * and a value are skipped.
   *
   * @param text the file's text
   * @param source the file name for messages
   * @return the options
   */
  public static Configuration parseLegacy(String text, String source) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      String content = line.split("#", 2)[0].trim();
      String[] kv = content.split(": ", 2);
      if (kv.length == 2 && !kv[0].trim().isEmpty() && !kv[1].trim().isEmpty()) {
        options.put(kv[0].trim(), kv[1].trim());
      }
    }
    return Configuration.of(options);
  }
}

package io.memflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.config.memory.MemoryPlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.ConfigurationFileMigrationUtils;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

  @TempDir Path dir;

  private static final String NESTED = """
      # Flink 2.x config.yaml, nested
      taskmanager:
        numberOfTaskSlots: 4
        memory:
          process.size: 1728m
          managed:
            fraction: 0.3
      jobmanager:
        memory:
          process:
            size: 1600m
      """;

  private static final String FLAT = """
      taskmanager.numberOfTaskSlots: 4
      taskmanager.memory.process.size: 1728m
      taskmanager.memory.managed.fraction: 0.3
      jobmanager.memory.process.size: 1600m
      """;

  @Test
  void nestedAndFlatConfigYamlAreTheSameOptions() throws IOException {
    Configuration nested = ConfigFiles.load(write("a/config.yaml", NESTED));
    Configuration flat = ConfigFiles.load(write("b/config.yaml", FLAT));
    assertThat(nested.asMap()).isEqualTo(flat.asMap());
    assertThat(nested.get("taskmanager.memory.managed.fraction")).contains("0.3");
    assertThat(nested.get("taskmanager.numberOfTaskSlots")).contains("4");
  }

  @Test
  void configYamlReadsTheSameValuesAsFlink() throws IOException {
    Path file = write("flink/config.yaml", NESTED);
    Configuration ours = ConfigFiles.load(file.getParent());
    var flink = GlobalConfiguration.loadConfiguration(file.getParent().toString());
    for (Map.Entry<String, String> e : ours.asMap().entrySet()) {
      assertThat(flink.getString(e.getKey(), null)).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(ours.asMap()).hasSize(flink.keySet().size());
  }

  @Test
  void legacyFlinkConfYamlParsesAsFlinksLegacyReader() throws IOException {
    String legacy = """
        # comment line
        taskmanager.memory.process.size: 2g   # trailing comment
        taskmanager.memory.network.fraction :  0.15
        jobmanager.memory.heap.size:1g
        broken line without separator
        key.without.value:\s
        taskmanager.memory.managed.size: 512 mb
        """;
    Path file = write("legacy/flink-conf.yaml", legacy);
    Configuration ours = ConfigFiles.load(file.getParent());
    Map<String, String> flink = ConfigurationFileMigrationUtils.loadLegacyYAMLResource(file.toFile());
    assertThat(ours.asMap()).isEqualTo(flink);
    assertThat(ours.get("taskmanager.memory.process.size")).contains("2g");
  }

  @Test
  void directoryPrefersConfigYamlOverTheLegacyFile() throws IOException {
    write("both/flink-conf.yaml", "taskmanager.memory.process.size: 1g\n");
    write("both/config.yaml", "taskmanager.memory.process.size: 2g\n");
    assertThat(ConfigFiles.load(dir.resolve("both")).get("taskmanager.memory.process.size"))
        .contains("2g");
  }

  @Test
  void aLoadedFilePlansLikeTheSameOptionsGivenDirectly() throws IOException {
    Configuration loaded = ConfigFiles.load(write("p/config.yaml", NESTED));
    assertThat(MemoryPlanner.planTaskManager(loaded).managed().bytes())
        .isEqualTo(new MemorySize(1280L << 20).multiply(0.3f).bytes());
  }

  @Test
  void malformedFilesNameTheFile() throws IOException {
    Path bad = write("bad/config.yaml", "taskmanager: [unclosed\n");
    assertThatThrownBy(() -> ConfigFiles.load(bad)).hasMessageContaining(bad.toString());
    Path list = write("list/config.yaml", "- a\n- b\n");
    assertThatThrownBy(() -> ConfigFiles.load(list)).hasMessageContaining("map of options");
    assertThatThrownBy(() -> ConfigFiles.load(dir.resolve("missing")))
        .hasMessageContaining("missing");
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> ConfigFiles.load(dir.resolve("empty")))
        .hasMessageContaining("config.yaml").hasMessageContaining("flink-conf.yaml");
  }

  @Test
  void overridesReplaceFileValues() throws IOException {
    Configuration loaded = ConfigFiles.load(write("o/config.yaml", FLAT));
    Configuration overridden = loaded.withAll(Map.of("taskmanager.memory.process.size", "4g"));
    assertThat(overridden.get("taskmanager.memory.process.size")).contains("4g");
    assertThat(loaded.get("taskmanager.memory.process.size")).contains("1728m");
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }
}

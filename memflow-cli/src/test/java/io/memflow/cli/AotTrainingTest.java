package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotTrainingTest {

  private final StringWriter err = new StringWriter();

  private boolean train(Path dir, String workload) {
    return AotTraining.train(dir, workload, 20_000, new PrintWriter(err, true));
  }

  @Test
  void everyCommandOfTheGeneralTrainingSucceedsAndLeavesNoSpillFiles(@TempDir Path dir) throws IOException {
    assertThat(train(dir, "commands")).as(err.toString()).isTrue();

    assertThat(err.toString()).isEmpty();
    for (String output : new String[] {"orders.csv", "customers.csv", "aggregate.out.csv", "sort.out.csv",
        "join.out.csv"}) {
      assertThat(dir.resolve(output)).isNotEmptyFile();
    }
    assertThat(Files.readAllLines(dir.resolve("sort.out.csv"))).hasSize(20_001);
    assertNoSpillFiles(dir);
  }

  @Test
  void eachBuiltInJobTrainsOnTheGeneratedData(@TempDir Path dir) throws IOException {
    assertThat(train(dir, "data")).as(err.toString()).isTrue();
    assertThat(Files.readAllLines(dir.resolve("orders.csv"))).hasSize(20_001);
    assertThat(Files.readAllLines(dir.resolve("customers-wide.csv"))).hasSize(6_001);

    for (String workload : new String[] {"aggregate", "sort", "join"}) {
      assertThat(train(dir, workload)).as(workload + ": " + err).isTrue();
      assertThat(dir.resolve(workload + ".out.csv")).isNotEmptyFile();
    }
    assertThat(err.toString()).isEmpty();
    assertThat(Files.readAllLines(dir.resolve("sort.out.csv"))).hasSize(20_001); // the last run: orders-wide
    assertNoSpillFiles(dir);
  }

  @Test
  void theDefaultJobTrainsAndLeavesNoSpillFiles(@TempDir Path dir) throws IOException {
    assertThat(train(dir, "default")).as(err.toString()).isTrue();

    assertThat(err.toString()).isEmpty();
    assertNoSpillFiles(dir);
  }

  @Test
  void aFailingCommandEndsTheTrainingAndIsNamed(@TempDir Path dir) throws IOException {
    Files.createDirectory(dir.resolve("orders.csv")); // where the generated orders should go

    assertThat(train(dir, "commands")).isFalse();

    assertThat(err.toString()).contains("the AOT training command failed: run generate --rows 20000");
  }

  @Test
  void aJobWithoutItsDataFailsAndIsNamed(@TempDir Path dir) {
    assertThat(train(dir, "join")).isFalse();

    assertThat(err.toString()).contains("the AOT training command failed: run join");
  }

  @Test
  void anUnknownWorkloadIsRejected(@TempDir Path dir) {
    assertThatThrownBy(() -> train(dir, "everything"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown training workload 'everything'");
  }

  private static void assertNoSpillFiles(Path dir) throws IOException {
    try (Stream<Path> spills = Files.list(dir.resolve("tmp"))) {
      assertThat(spills).isEmpty();
    }
  }
}

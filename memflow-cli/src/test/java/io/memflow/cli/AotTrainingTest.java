package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotTrainingTest {

  @Test
  void everyTrainingCommandSucceedsAndLeavesItsOutputsAndNoSpillFiles(@TempDir Path dir) throws IOException {
    StringWriter err = new StringWriter();

    assertThat(AotTraining.train(dir, new PrintWriter(err, true))).as(err.toString()).isTrue();

    assertThat(err.toString()).isEmpty();
    for (String output : new String[] {"orders.csv", "customers.csv", "aggregated.csv", "sorted.csv", "joined.csv"}) {
      assertThat(dir.resolve(output)).isNotEmptyFile();
    }
    assertThat(Files.readAllLines(dir.resolve("sorted.csv"))).hasSize(20_001);
    try (Stream<Path> spills = Files.list(dir.resolve("tmp"))) {
      assertThat(spills).isEmpty();
    }
  }

  @Test
  void aFailingCommandEndsTheTrainingAndIsNamed(@TempDir Path dir) throws IOException {
    Files.createDirectory(dir.resolve("orders.csv")); // where the generated orders should go
    StringWriter err = new StringWriter();

    assertThat(AotTraining.train(dir, new PrintWriter(err, true))).isFalse();

    assertThat(err.toString()).contains("the AOT training command failed: run generate --rows 20000");
  }
}

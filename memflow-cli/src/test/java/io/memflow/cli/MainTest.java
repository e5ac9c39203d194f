package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void helpListsUsageAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: memflow").contains("--version");
  }

  @Test
  void versionNamesTheProjectVersionAndTheJava() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("memflow 0.").contains("Java " + Runtime.version().feature());
  }

  @Test
  void unknownOptionIsBadInputWithExitCodeTwoAndNoStackTrace() {
    assertThat(run("--no-such-option")).isEqualTo(Main.EXIT_BAD_INPUT);
    assertThat(err.toString())
        .contains("Unknown option: '--no-such-option'")
        .contains("memflow --help")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}

package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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
  void aBuiltInJobGetsOnlyItsPathOfTheCommandTreeWithTheSameUsage() {
    CommandLine whole = Main.commandLine(new String[] {"run", "--help"});
    assertThat(whole.getSubcommands().keySet()).containsExactly("plan", "run");
    assertThat(whole.getSubcommands().get("run").getSubcommands().keySet())
        .containsExactly("sort", "aggregate", "join", "generate");
    for (String job : whole.getSubcommands().get("run").getSubcommands().keySet()) {
      CommandLine path = Main.commandLine(new String[] {"run", job, "--input", "x"});
      assertThat(path.getSubcommands().keySet()).containsExactly("run");
      CommandLine run = path.getSubcommands().get("run");
      assertThat(run.getSubcommands().keySet()).containsExactly(job);
      assertThat(run.getSubcommands().get(job).getUsageMessage())
          .isEqualTo(whole.getSubcommands().get("run").getSubcommands().get(job).getUsageMessage());
    }
    assertThat(Main.commandLine(new String[] {"run", "sorts"}).getSubcommands().keySet()).containsExactly("plan", "run");
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

  /**
   * The picocli on the class path is memflow-picocli's build of it, not the released Java 5 jar,
   * whose classes the AOT cache cannot keep (docs/runtime.md): its class files carry this JDK's
   * class-file version, as memflow's own do.
   */
  @Test
  void picocliIsCompiledForThisProjectsJava() throws IOException {
    assertThat(classFileMajorVersion(CommandLine.class))
        .isEqualTo(classFileMajorVersion(Main.class))
        .isGreaterThanOrEqualTo(69);
  }

  private static int classFileMajorVersion(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class");
        DataInputStream data = new DataInputStream(in)) {
      assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
      data.readUnsignedShort(); // minor version
      return data.readUnsignedShort();
    }
  }
}

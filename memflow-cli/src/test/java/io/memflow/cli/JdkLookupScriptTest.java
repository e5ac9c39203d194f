package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK lookup of the project's scripts ({@code bin/lib/jdk.sh}), run in bash against fake JDK
 * homes: the {@code release} file decides without starting a JVM, and a home without one falls
 * back to asking its {@code java}.
 */
class JdkLookupScriptTest {

  private static final Path SCRIPT = Path.of("..", "bin", "lib", "jdk.sh").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void aReleaseFileOfTwentyFiveOrNewerCountsWithoutStartingJava() throws Exception {
    Path home = fakeHome("new", "JAVA_VERSION=\"25.0.3\"", 17);
    assertThat(isJdk25(home)).isTrue();
    assertThat(dir.resolve("new.started")).doesNotExist();
    assertThat(isJdk25(fakeHome("newer", "JAVA_VERSION=\"26\"", 17))).isTrue();
  }

  @Test
  void anOlderReleaseFileDoesNotCount() throws Exception {
    assertThat(isJdk25(fakeHome("old", "JAVA_VERSION=\"17.0.15\"", 25))).isFalse();
    assertThat(isJdk25(fakeHome("eight", "JAVA_VERSION=\"1.8.0_402\"", 25))).isFalse();
    assertThat(dir.resolve("old.started")).doesNotExist();
  }

  @Test
  void withoutAReleaseFileJavaItselfIsAsked() throws Exception {
    assertThat(isJdk25(fakeHome("bare25", null, 25))).isTrue();
    assertThat(dir.resolve("bare25.started")).exists();
    assertThat(isJdk25(fakeHome("bare17", null, 17))).isFalse();
  }

  @Test
  void aHomeWithoutJavacDoesNotCount() throws Exception {
    Path home = fakeHome("jre", "JAVA_VERSION=\"25.0.3\"", 25);
    Files.delete(home.resolve("bin/javac"));
    assertThat(isJdk25(home)).isFalse();
  }

  @Test
  void javaHomeIsExportedWhenItQualifies() throws Exception {
    Path home = fakeHome("chosen", "JAVA_VERSION=\"25.0.3\"", 17);
    String found = bash(". '" + SCRIPT + "'; JAVA_HOME='" + home + "'; memflow_find_jdk && echo \"$JAVA_HOME\"").strip();
    assertThat(found).isEqualTo(home.toString());
  }

  /**
   * A JDK home with {@code bin/javac} and a {@code bin/java} that records being started (in
   * {@code NAME.started}) and reports {@code feature} as its specification version; with a
   * {@code release} file holding {@code releaseLine} unless it is null.
   */
  private Path fakeHome(String name, String releaseLine, int feature) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    Path bin = Files.createDirectories(home.resolve("bin"));
    executable(bin.resolve("java"), "#!/bin/sh\ntouch '" + dir.resolve(name + ".started") + "'\n"
        + "echo '    java.specification.version = " + feature + "' >&2\n");
    executable(bin.resolve("javac"), "#!/bin/sh\nexit 0\n");
    if (releaseLine != null) {
      Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\n" + releaseLine + "\n");
    }
    return home;
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private boolean isJdk25(Path home) throws Exception {
    return bash(". '" + SCRIPT + "'; memflow_is_jdk25 '" + home + "' && echo yes || echo no").strip().equals("yes");
  }

  private static String bash(String command) throws Exception {
    Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}

package io.memflow.stress;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;

/**
 * Runs jcstress like its own {@code Main}, then exits with status 1 if any test failed (a
 * FORBIDDEN outcome was observed) or broke, and 2 if no test ran. jcstress's {@code Main} always
 * exits 0, which a build cannot check. Arguments are jcstress's ({@code -m quick}, {@code -t
 * regex}, {@code -tb 20s}, ...).
 */
public final class RunJcstress {

  private RunJcstress() {}

  /** Runs the tests and exits with the verdict. */
  public static void main(String[] args) throws Exception {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(new Tee(console, copy), true, StandardCharsets.UTF_8));
    Options options = new Options(args);
    if (!options.parse()) {
      System.exit(2);
    }
    new JCStress(options).run();
    System.out.flush();
    System.exit(verdict(copy.toString(StandardCharsets.UTF_8), console));
  }

  static int verdict(String report, PrintStream console) {
    boolean noFailures = report.contains("Failed tests: No matches.");
    boolean noErrors = report.contains("Error tests: No matches.");
    boolean ranSome = report.contains("matching test results.");
    if (!ranSome) {
      console.println("memflow-stress: no jcstress test ran");
      return 2;
    }
    if (!noFailures || !noErrors) {
      console.println("memflow-stress: jcstress reported failed or error tests (see above and target/results)");
      return 1;
    }
    console.println("memflow-stress: every jcstress test passed");
    return 0;
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }
}

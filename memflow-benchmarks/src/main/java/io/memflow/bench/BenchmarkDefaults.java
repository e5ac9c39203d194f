package io.memflow.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every benchmark inherits (JMH reads these annotations from superclasses):
 * throughput in operations per microsecond, one fork, 2 warmup and 4 measurement iterations of
 * one second. {@code bin/bench} passes the same values explicitly; the command line wins.
 *
 * <p>The forks get {@code --enable-native-access=ALL-UNNAMED} (memflow allocates off-heap pages
 * through the FFM linker) and {@code --sun-misc-unsafe-memory-access=allow} (Flink's segments use
 * the JDK's unsafe memory-access class, which JDK 24+ warns about by default). Neither changes the code the
 * JIT produces.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public abstract class BenchmarkDefaults {}

package io.memflow.bench;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The pages every access benchmark works on: two 32 KiB pages ({@code a}, {@code b}) per
 * implementation and memory kind, with the same contents, plus the random offsets.
 *
 * <p>One state class per (implementation, kind), so a benchmark's fork creates only the pages it
 * uses and the JIT's type profiles see only that kind. The pages are filled through bulk copies,
 * never through the typed accessors that the benchmarks measure.
 *
 * <p>Contents: random bytes, seeded; every 16-byte key ({@code [16k, 16k + 16)}) starts with one
 * of two 8-byte prefixes, so that half of all key comparisons must look at the second word.
 */
public final class Pages {

  /** The page size: 32 KiB, the default of memflow and Flink. */
  public static final int PAGE = 32 * 1024;

  /** The key length for compare and swap. */
  public static final int KEY = 16;

  /** How many random offsets (and key pairs) one invocation visits; a power of two. */
  public static final int RANDOM_OPS = 1024;

  private Pages() {}

  /** The page contents, the same for every implementation (page {@code a} or {@code b}). */
  public static byte[] contents(int which) {
    SplittableRandom random = new SplittableRandom(42 + which);
    byte[] bytes = new byte[PAGE];
    for (int i = 0; i < PAGE; i++) {
      bytes[i] = (byte) random.nextInt();
    }
    SplittableRandom prefixes = new SplittableRandom(7);
    for (int key = 0; key < PAGE; key += KEY) {
      byte prefix = (byte) (prefixes.nextBoolean() ? 0x11 : 0x22);
      for (int i = 0; i < Long.BYTES; i++) {
        bytes[key + i] = prefix;
      }
    }
    return bytes;
  }

  /** Random offsets, shared by all implementations. */
  @State(Scope.Benchmark)
  public static class Offsets {
    /** {@link #RANDOM_OPS} random 8-byte-aligned offsets in {@code [0, PAGE - 8]}. */
    public int[] random;
    /** Random 16-byte-aligned key offsets in page {@code a}. */
    public int[] left;
    /** Random 16-byte-aligned key offsets in page {@code b}. */
    public int[] right;

    @Setup
    public void setup() {
      SplittableRandom r = new SplittableRandom(1);
      random = new int[RANDOM_OPS];
      left = new int[RANDOM_OPS];
      right = new int[RANDOM_OPS];
      for (int i = 0; i < RANDOM_OPS; i++) {
        random[i] = r.nextInt() & (PAGE - 1) & -Long.BYTES;
        left[i] = r.nextInt() & (PAGE - 1) & -KEY;
        right[i] = r.nextInt() & (PAGE - 1) & -KEY;
      }
    }
  }

  /** memflow heap segments. */
  @State(Scope.Thread)
  public static class MemflowHeap {
    public MemorySegment a;
    public MemorySegment b;

    @Setup
    public void setup() {
      a = MemorySegments.allocateHeap(PAGE);
      b = MemorySegments.allocateHeap(PAGE);
      a.put(0, contents(0));
      b.put(0, contents(1));
    }
  }

  /** memflow off-heap segments (native memory from malloc). */
  @State(Scope.Thread)
  public static class MemflowOffHeap {
    public MemorySegment a;
    public MemorySegment b;

    @Setup
    public void setup() {
      a = MemorySegments.allocateOffHeap(PAGE);
      b = MemorySegments.allocateOffHeap(PAGE);
      a.put(0, contents(0));
      b.put(0, contents(1));
    }

    @TearDown
    public void tearDown() {
      a.free();
      b.free();
    }
  }

  /** Flink heap segments ({@code allocateUnpooledSegment}). */
  @State(Scope.Thread)
  public static class FlinkHeap {
    public org.apache.flink.core.memory.MemorySegment a;
    public org.apache.flink.core.memory.MemorySegment b;
    /** Flink's swapBytes needs a scratch buffer of at least the swapped length. */
    public byte[] temp = new byte[KEY];

    @Setup
    public void setup() {
      a = MemorySegmentFactory.allocateUnpooledSegment(PAGE);
      b = MemorySegmentFactory.allocateUnpooledSegment(PAGE);
      a.put(0, contents(0));
      b.put(0, contents(1));
    }
  }

  /**
   * Flink off-heap segments from {@code allocateOffHeapUnsafeMemory}: what Flink's managed memory
   * (MemoryManager) uses, so the ratio's denominator for off-heap rows.
   */
  @State(Scope.Thread)
  public static class FlinkOffHeap {
    public org.apache.flink.core.memory.MemorySegment a;
    public org.apache.flink.core.memory.MemorySegment b;
    public byte[] temp = new byte[KEY];

    @Setup
    public void setup() {
      a = MemorySegmentFactory.allocateOffHeapUnsafeMemory(PAGE);
      b = MemorySegmentFactory.allocateOffHeapUnsafeMemory(PAGE);
      a.put(0, contents(0));
      b.put(0, contents(1));
    }

    @TearDown
    public void tearDown() {
      a.free();
      b.free();
    }
  }

  /** Flink off-heap segments over direct buffers ({@code allocateUnpooledOffHeapMemory}). */
  @State(Scope.Thread)
  public static class FlinkDirect {
    public org.apache.flink.core.memory.MemorySegment a;
    public org.apache.flink.core.memory.MemorySegment b;
    public byte[] temp = new byte[KEY];

    @Setup
    public void setup() {
      a = MemorySegmentFactory.allocateUnpooledOffHeapMemory(PAGE);
      b = MemorySegmentFactory.allocateUnpooledOffHeapMemory(PAGE);
      a.put(0, contents(0));
      b.put(0, contents(1));
    }
  }

  /** {@code ByteBuffer}s in native byte order, plus big-endian views of them for key compares. */
  public abstract static class Buffers {
    public ByteBuffer a;
    public ByteBuffer b;
    public ByteBuffer aBig;
    public ByteBuffer bBig;

    void fill(ByteBuffer first, ByteBuffer second) {
      a = first.order(ByteOrder.nativeOrder());
      b = second.order(ByteOrder.nativeOrder());
      a.put(0, contents(0));
      b.put(0, contents(1));
      aBig = a.duplicate().order(ByteOrder.BIG_ENDIAN);
      bBig = b.duplicate().order(ByteOrder.BIG_ENDIAN);
    }
  }

  /** Heap {@code ByteBuffer}s. */
  @State(Scope.Thread)
  public static class BufferHeap extends Buffers {
    @Setup
    public void setup() {
      fill(ByteBuffer.allocate(PAGE), ByteBuffer.allocate(PAGE));
    }
  }

  /** Direct {@code ByteBuffer}s. */
  @State(Scope.Thread)
  public static class BufferDirect extends Buffers {
    @Setup
    public void setup() {
      fill(ByteBuffer.allocateDirect(PAGE), ByteBuffer.allocateDirect(PAGE));
    }
  }

  /** Plain arrays, accessed through {@code byteArrayViewVarHandle}. */
  @State(Scope.Thread)
  public static class ByteArray {
    public byte[] a;
    public byte[] b;

    @Setup
    public void setup() {
      a = contents(0);
      b = contents(1);
    }
  }
}

package io.memflow.memory;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * Off-heap memory from the C allocator ({@code malloc} / {@code free}) through the FFM linker.
 *
 * <p>Why not an {@code Arena} per page: closing a shared arena performs a thread-local handshake
 * with every Java thread (slow, and proportional to the thread count), and a confined arena
 * ties the page to one thread, while pages move between threads. The C allocator releases a
 * page immediately and cheaply, and owes nothing to the garbage collector. The price is that
 * the memory's temporal bounds are memflow's to check: {@link MemorySegment#free()} makes the
 * segment unusable before the memory goes back to the allocator.
 *
 * <p>Both calls are linked as critical (no thread-state transition): they are short and never
 * call back into Java. Thread-safe; {@link #bytesInUse()} counts every byte handed out and not
 * yet freed.
 */
final class NativeMemory {

  private static final MethodHandle MALLOC =
      link("malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
  private static final MethodHandle FREE = link("free", FunctionDescriptor.ofVoid(JAVA_LONG));
  private static final LongAdder BYTES_IN_USE = new LongAdder();

  @SuppressWarnings("restricted") // linking malloc and free is what this class is for
  private static MethodHandle link(String function, FunctionDescriptor descriptor) {
    if (ValueLayout.ADDRESS.byteSize() != Long.BYTES) {
      throw new IllegalStateException(
          "memflow needs a 64-bit JVM for off-heap memory; address size is "
              + ValueLayout.ADDRESS.byteSize()
              + " bytes");
    }
    Linker linker = Linker.nativeLinker();
    SymbolLookup libc = linker.defaultLookup();
    return linker.downcallHandle(
        libc.find(function).orElseThrow(), descriptor, Linker.Option.critical(false));
  }

  private NativeMemory() {}

  /**
   * Allocates {@code bytes} bytes of uninitialised native memory.
   *
   * @return the address, never 0
   * @throws OutOfMemoryError if the C allocator has no memory left
   */
  static long allocate(long bytes) {
    long address;
    try {
      address = (long) MALLOC.invokeExact(bytes);
    } catch (Throwable t) {
      throw new IllegalStateException("malloc(" + bytes + ") failed", t);
    }
    if (address == 0) {
      throw new OutOfMemoryError(
          "cannot allocate "
              + bytes
              + " bytes of off-heap memory: the C allocator returned NULL (the process is out of"
              + " native memory; lower the memory budget or raise the container's limit)");
    }
    BYTES_IN_USE.add(bytes);
    return address;
  }

  /** Returns memory from {@link #allocate}; {@code bytes} must be the size allocated. */
  static void free(long address, long bytes) {
    try {
      FREE.invokeExact(address);
    } catch (Throwable t) {
      throw new IllegalStateException("free(" + address + ") failed", t);
    }
    BYTES_IN_USE.add(-bytes);
  }

  /** Bytes allocated by {@link #allocate} and not yet freed, over the whole process. */
  static long bytesInUse() {
    return BYTES_IN_USE.sum();
  }
}

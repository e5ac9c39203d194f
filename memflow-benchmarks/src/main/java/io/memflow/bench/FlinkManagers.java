package io.memflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.io.disk.iomanager.IOManagerAsync;

/**
 * What Flink's spilling operators need, made the same way for every benchmark: a MemoryManager
 * of exactly the operator's memory with 32 KiB pages, and an IOManagerAsync in a temp directory of
 * its own (deleted at the end). Not thread-safe.
 */
final class FlinkManagers {

  final org.apache.flink.runtime.memory.MemoryManager memory;
  final IOManagerAsync io;
  private final Path directory;

  FlinkManagers(String name, long memoryBytes) throws Exception {
    directory = Files.createTempDirectory(ExternalSort.tempDirectory(), name);
    memory = org.apache.flink.runtime.memory.MemoryManager.create(memoryBytes, Pages.PAGE);
    io = new IOManagerAsync(directory.toString());
  }

  /** Closes the IOManager, shuts the MemoryManager down and deletes the directory. */
  public void close() throws Exception {
    io.close();
    memory.shutdown();
    ExternalSort.deleteTree(directory.toFile());
  }
}

package io.memflow.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown by {@link SpillReader} calls when a block of a spill file fails its header or checksum
 * check, or the file ends inside a block: the file was damaged after it was written (by the disk
 * or by another process) and none of the damaged block's data is handed out. The message names
 * the file, the block index and the expected and actual values.
 */
public final class CorruptSpillFileException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The file. Not serialized: paths are not serializable. */
  private final transient Path file;

  private final int blockIndex;

  CorruptSpillFileException(Path file, int blockIndex, String problem) {
    super("corrupt spill file " + file + " at block " + blockIndex + ": " + problem
        + "; the file was changed after it was written and cannot be read (it is deleted)");
    this.file = file;
    this.blockIndex = blockIndex;
  }

  /** The same report, raised again in the reader's thread (the original is the cause). */
  CorruptSpillFileException(CorruptSpillFileException original) {
    super(original.getMessage(), original);
    this.file = original.file;
    this.blockIndex = original.blockIndex;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }

  /** The index of the damaged block, from 0. */
  public int blockIndex() {
    return blockIndex;
  }
}

package io.memflow.io;

/**
 * How a {@link SpillWriter} stores its blocks. Readers handle both kinds whatever the manager's
 * setting, since every block's header says whether it is compressed.
 */
public enum SpillCompression {
  /** Blocks are written as they are in the page, straight from its memory. */
  NONE,
  /**
   * Blocks are LZ4-compressed (the pure-Java codec of {@code at.yawk.lz4:lz4-java}) into a staging
   * array on the I/O thread; a block that does not shrink is written raw.
   */
  LZ4
}

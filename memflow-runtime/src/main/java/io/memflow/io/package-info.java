/**
 * Spill files: the {@link io.memflow.io.SpillManager} that owns temp directories, background I/O
 * threads and every {@link io.memflow.io.SpillFile}; the write-behind {@link
 * io.memflow.io.SpillWriter} and read-ahead {@link io.memflow.io.SpillReader} views over lent
 * pages; checksummed, optionally LZ4-compressed blocks (layout in {@code BlockFormat}). See
 * {@code docs/spill-files.md}.
 */
package io.memflow.io;

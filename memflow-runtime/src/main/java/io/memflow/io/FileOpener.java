package io.memflow.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Opens the channel a {@link SpillWriter} or {@link SpillReader} uses: the seam for custom channels
 * and for fault injection in tests. The default is {@link FileChannel#open(Path, Set,
 * java.nio.file.attribute.FileAttribute[])}.
 *
 * <p><b>Threads and ownership.</b> Called from the thread that opens the writer or reader, so an
 * implementation shared by several threads must be thread-safe. The returned channel belongs to
 * the writer or reader, which closes it; it is used by one background I/O thread at a time.
 */
@FunctionalInterface
public interface FileOpener {

  /** The default: {@link FileChannel#open} with the given options. */
  FileOpener DEFAULT = FileChannel::open;

  /** Opens {@code path} with {@code options} (WRITE and TRUNCATE_EXISTING, or READ). */
  FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
}

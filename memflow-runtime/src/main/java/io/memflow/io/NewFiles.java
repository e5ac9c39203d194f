package io.memflow.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates new, empty files under names no other file has, as {@link Files#createTempFile} does but
 * without its {@link java.security.SecureRandom}: starting the security providers that seed one
 * costs a JVM about 30 ms, a visible part of a short job, and a name only has to be new, which
 * creating the file exclusively (it fails if anything, a link included, has the name) already
 * guarantees; the random part only makes a clash unlikely. Stateless and thread-safe.
 */
public final class NewFiles {

  private static final int ATTEMPTS = 100;

  private NewFiles() {}

  /**
   * Creates the empty file {@code directory/prefix<random>suffix}.
   *
   * @param ownerOnly whether only the owner may read and write it (where the file system has POSIX
   *     permissions; as a temp file), rather than the permissions a new file gets (the umask's)
   * @return the file's path
   * @throws IOException if the file cannot be created (or {@value #ATTEMPTS} random names are taken)
   */
  public static Path create(Path directory, String prefix, String suffix, boolean ownerOnly) throws IOException {
    FileAttribute<?>[] attributes = ownerOnly && directory.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    for (int attempt = 1; ; attempt++) {
      String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
      try {
        return Files.createFile(directory.resolve(prefix + random + suffix), attributes);
      } catch (FileAlreadyExistsException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}

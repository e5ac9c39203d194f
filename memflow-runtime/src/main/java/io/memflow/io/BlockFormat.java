package io.memflow.io;

import io.memflow.memory.MemorySegment;
import java.nio.file.Path;

/**
 * The binary layout of a spill-file block, in one place.
 *
 * <p>A spill file is a sequence of blocks, one per page the writer filled, with nothing between
 * them. Every block is a 24-byte header followed by its stored payload; all numbers are
 * big-endian:
 *
 * <pre>
 *  0       4     5     6       8             12             16                 20       24
 *  +-------+-----+-----+-------+-------------+--------------+------------------+--------+----------------+
 *  | magic | ver |flags| 0 0   | block index | stored length| uncompressed len | crc32c | stored payload |
 *  +-------+-----+-----+-------+-------------+--------------+------------------+--------+----------------+
 *   "MFSP"   1    bit 0:         0, 1, 2 ...   bytes after    bytes of payload   over bytes [0, 20)
 *                 LZ4                          the header     in the page        and the payload
 * </pre>
 *
 * The header lives in the first {@link #HEADER_LENGTH} bytes of the page itself (the paged output
 * view leaves them free), so a raw block is written straight from the page's memory. A
 * compressed block's payload is LZ4 data that expands to {@code uncompressed length} bytes; a raw
 * block's stored and uncompressed lengths are equal. The CRC32C covers the header fields and the
 * stored payload, so any flipped byte (header or payload) fails the check; the magic, the version,
 * the flags, the block index and the length bounds are checked before the payload is read.
 *
 * <p>Not instantiable; all methods are stateless and thread-safe.
 */
final class BlockFormat {

  /** "MFSP": memflow spill page. */
  static final int MAGIC = 0x4D46_5350;

  static final int VERSION = 1;

  /** Flag bit: the stored payload is LZ4-compressed. */
  static final int FLAG_LZ4 = 1;

  static final int KNOWN_FLAGS = FLAG_LZ4;

  static final int MAGIC_OFFSET = 0;
  static final int VERSION_OFFSET = 4;
  static final int FLAGS_OFFSET = 5;
  static final int RESERVED_OFFSET = 6;
  static final int BLOCK_INDEX_OFFSET = 8;
  static final int STORED_LENGTH_OFFSET = 12;
  static final int UNCOMPRESSED_LENGTH_OFFSET = 16;
  static final int CRC_OFFSET = 20;

  /** The header bytes the CRC covers: everything before the CRC field. */
  static final int CHECKED_HEADER_LENGTH = CRC_OFFSET;

  static final int HEADER_LENGTH = 24;

  private BlockFormat() {}

  /** Writes every header field except the CRC into the first bytes of {@code target}. */
  static void putHeader(
      MemorySegment target, int flags, int blockIndex, int storedLength, int uncompressedLength) {
    target.putIntBigEndian(MAGIC_OFFSET, MAGIC);
    target.put(VERSION_OFFSET, (byte) VERSION);
    target.put(FLAGS_OFFSET, (byte) flags);
    target.putShortBigEndian(RESERVED_OFFSET, (short) 0);
    target.putIntBigEndian(BLOCK_INDEX_OFFSET, blockIndex);
    target.putIntBigEndian(STORED_LENGTH_OFFSET, storedLength);
    target.putIntBigEndian(UNCOMPRESSED_LENGTH_OFFSET, uncompressedLength);
  }

  static boolean isCompressed(MemorySegment header) {
    return (header.get(FLAGS_OFFSET) & FLAG_LZ4) != 0;
  }

  static int storedLength(MemorySegment header) {
    return header.getIntBigEndian(STORED_LENGTH_OFFSET);
  }

  static int uncompressedLength(MemorySegment header) {
    return header.getIntBigEndian(UNCOMPRESSED_LENGTH_OFFSET);
  }

  static int crc(MemorySegment header) {
    return header.getIntBigEndian(CRC_OFFSET);
  }

  /**
   * Checks the header read into the first bytes of {@code page}, before its payload is read: magic,
   * version, flags, block index and both lengths against the page's room.
   *
   * @throws CorruptSpillFileException naming the field, the expected value or range and the actual
   */
  static void checkHeader(MemorySegment page, Path file, int expectedIndex)
      throws CorruptSpillFileException {
    int room = page.size() - HEADER_LENGTH;
    expect(file, expectedIndex, "magic", MAGIC, page.getIntBigEndian(MAGIC_OFFSET));
    expect(file, expectedIndex, "version", VERSION, page.get(VERSION_OFFSET));
    int flags = page.get(FLAGS_OFFSET) & 0xFF;
    expect(file, expectedIndex, "unknown flag bits", 0, flags & ~KNOWN_FLAGS);
    expect(file, expectedIndex, "reserved", 0, page.getShortBigEndian(RESERVED_OFFSET));
    expect(file, expectedIndex, "block index", expectedIndex, page.getIntBigEndian(BLOCK_INDEX_OFFSET));
    int stored = storedLength(page);
    int uncompressed = uncompressedLength(page);
    checkLength(file, expectedIndex, "uncompressed length", uncompressed, room);
    checkLength(file, expectedIndex, "stored length", stored, room);
    if ((flags & FLAG_LZ4) == 0) {
      expect(file, expectedIndex, "stored length of a raw block (= uncompressed length)", uncompressed, stored);
    }
  }

  private static void expect(Path file, int block, String field, int expected, int actual)
      throws CorruptSpillFileException {
    if (expected != actual) {
      throw new CorruptSpillFileException(
          file, block, field + " expected=0x" + Integer.toHexString(expected)
              + " actual=0x" + Integer.toHexString(actual));
    }
  }

  private static void checkLength(Path file, int block, String field, int length, int room)
      throws CorruptSpillFileException {
    if (length < 0 || length > room) {
      throw new CorruptSpillFileException(
          file, block, field + " expected=[0, " + room + "] (page size " + (room + HEADER_LENGTH)
              + " minus the header) actual=" + length
              + " (was the file written with a larger page size?)");
    }
  }
}

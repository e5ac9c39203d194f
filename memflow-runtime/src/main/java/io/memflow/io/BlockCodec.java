package io.memflow.io;

import static io.memflow.io.BlockFormat.CHECKED_HEADER_LENGTH;
import static io.memflow.io.BlockFormat.CRC_OFFSET;
import static io.memflow.io.BlockFormat.HEADER_LENGTH;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Encodes pages into blocks and decodes them back (layout in {@link BlockFormat}), doing the
 * channel I/O: the work of one background I/O thread.
 *
 * <p><b>Write.</b> A raw block is header + payload straight from the page's memory, one channel
 * write with no copy. With LZ4 the payload is compressed into a staging array (header first), and
 * written from there if it shrank; otherwise raw. <b>Read.</b> The header is read into the page and
 * checked, then the payload: a raw one into the page after the header, a compressed one into the
 * staging array, checked against the CRC and expanded into the page.
 *
 * <p><b>Threads.</b> Not thread-safe: each I/O thread has its own codec (the staging array, CRC and
 * LZ4 state are reused). It never keeps a page after a call returns.
 */
final class BlockCodec {

  /** Pure-Java LZ4 (no JNI, no Unsafe), safe against malformed input. */
  private static final LZ4Factory LZ4 = LZ4Factory.safeInstance();

  private final LZ4Compressor compressor = LZ4.fastCompressor();
  private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
  private final CRC32C crc = new CRC32C();
  private MemorySegment staging = MemorySegments.wrap(new byte[0]);

  /**
   * Writes the page's payload {@code [HEADER_LENGTH, HEADER_LENGTH + payloadLength)} as block
   * {@code blockIndex} at the channel's position.
   *
   * @return the bytes written (header included)
   */
  long writeBlock(FileChannel channel, MemorySegment page, int blockIndex, int payloadLength,
      boolean compress) throws IOException {
    if (compress && payloadLength > 0) {
      int packed = compressIntoStaging(page, payloadLength);
      if (packed < payloadLength) {
        BlockFormat.putHeader(staging, BlockFormat.FLAG_LZ4, blockIndex, packed, payloadLength);
        return writeWithCrc(channel, staging, packed);
      }
    }
    BlockFormat.putHeader(page, 0, blockIndex, payloadLength, payloadLength);
    return writeWithCrc(channel, page, payloadLength);
  }

  private int compressIntoStaging(MemorySegment page, int payloadLength) {
    int max = compressor.maxCompressedLength(payloadLength);
    ensureStaging(HEADER_LENGTH + max);
    return compressor.compress(page.asByteBuffer(HEADER_LENGTH, payloadLength), 0, payloadLength,
        staging.asByteBuffer(0, HEADER_LENGTH + max), HEADER_LENGTH, max);
  }

  private long writeWithCrc(FileChannel channel, MemorySegment block, int storedLength)
      throws IOException {
    block.putIntBigEndian(CRC_OFFSET, checksum(block, block, storedLength, HEADER_LENGTH));
    ByteBuffer bytes = block.asByteBuffer(0, HEADER_LENGTH + storedLength);
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    return HEADER_LENGTH + storedLength;
  }

  /** CRC32C over the checked header bytes of {@code header} and {@code length} payload bytes. */
  private int checksum(MemorySegment header, MemorySegment payload, int length, int payloadOffset) {
    crc.reset();
    crc.update(header.asByteBuffer(0, CHECKED_HEADER_LENGTH));
    crc.update(payload.asByteBuffer(payloadOffset, length));
    return (int) crc.getValue();
  }

  /**
   * Reads block {@code blockIndex} from the channel's position into {@code page}: header in
   * {@code [0, HEADER_LENGTH)}, the uncompressed payload after it.
   *
   * @throws CorruptSpillFileException if the header, the checksum or the LZ4 data is wrong, or the
   *     file ends inside the block
   */
  void readBlock(FileChannel channel, MemorySegment page, Path file, int blockIndex)
      throws IOException {
    readFully(channel, page.asByteBuffer(0, HEADER_LENGTH), file, blockIndex, "header");
    BlockFormat.checkHeader(page, file, blockIndex);
    int stored = BlockFormat.storedLength(page);
    if (!BlockFormat.isCompressed(page)) {
      readFully(channel, page.asByteBuffer(HEADER_LENGTH, stored), file, blockIndex, "payload");
      checkCrc(page, page, stored, HEADER_LENGTH, file, blockIndex);
      return;
    }
    ensureStaging(stored);
    readFully(channel, staging.asByteBuffer(0, stored), file, blockIndex, "payload");
    checkCrc(page, staging, stored, 0, file, blockIndex);
    expand(page, stored, file, blockIndex);
  }

  private void expand(MemorySegment page, int stored, Path file, int blockIndex)
      throws CorruptSpillFileException {
    int expected = BlockFormat.uncompressedLength(page);
    int room = page.size() - HEADER_LENGTH;
    int actual;
    try {
      actual = decompressor.decompress(staging.asByteBuffer(0, stored), 0, stored,
          page.asByteBuffer(HEADER_LENGTH, room), 0, room);
    } catch (LZ4Exception e) {
      throw new CorruptSpillFileException(file, blockIndex, "LZ4 data does not decode ("
          + e.getMessage() + ") expected=" + expected + " bytes");
    }
    if (actual != expected) {
      throw new CorruptSpillFileException(
          file, blockIndex, "uncompressed length expected=" + expected + " actual=" + actual);
    }
  }

  private void checkCrc(MemorySegment header, MemorySegment payload, int length, int offset,
      Path file, int blockIndex) throws CorruptSpillFileException {
    int expected = BlockFormat.crc(header);
    int actual = checksum(header, payload, length, offset);
    if (expected != actual) {
      throw new CorruptSpillFileException(file, blockIndex, "CRC32C expected=0x"
          + Integer.toHexString(expected) + " actual=0x" + Integer.toHexString(actual));
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer target, Path file, int blockIndex,
      String part) throws IOException {
    int wanted = target.remaining();
    while (target.hasRemaining()) {
      if (channel.read(target) < 0) {
        throw new CorruptSpillFileException(file, blockIndex, "the file ends inside the block's "
            + part + " expected=" + wanted + " bytes actual=" + target.position()
            + " (the file was truncated)");
      }
    }
  }

  private void ensureStaging(int size) {
    if (staging.size() < size) {
      staging = MemorySegments.wrap(new byte[Math.max(size, 2 * staging.size())]);
    }
  }
}

package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.AbstractPagedOutputView;
import io.memflow.memory.view.DataOutputView;
import io.memflow.memory.view.SeekableInputView;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@link InMemorySorter}: records as bytes in record pages, an index of fixed-size entries in
 * index pages, both taken from a {@link PageSource} one page at a time as the sorter fills.
 *
 * <p><b>Idea.</b> Sorting moves index entries, never records. Each entry holds the record's
 * position in the record pages and the first bytes of its normalized key, so most comparisons
 * are one unsigned byte comparison inside the index page, without touching the record (the
 * cache-friendly layout of Flink's {@code NormalizedKeySorter}). Only on a prefix tie, and only if
 * the comparator says the prefix does not decide the order, are the two records compared in full
 * with {@link SortComparator#compareSerialized}. See {@link IndexSort} for the algorithm.
 *
 * <p><b>Index entry layout</b> ({@code k} = key length: the comparator's normalized key length,
 * capped at {@link #MAX_KEY_BYTES}; 0 if it has none). An entry is a whole number of 8-byte
 * words, {@code w = ceil((k + 6) / 8)}: the key prefix first, then zero padding, then the record
 * pointer in the last 6 bytes. Entries are word-aligned in their page, so a swap is {@code w}
 * long moves and a prefix comparison {@code ceil(k / 8)} unsigned long comparisons (big-endian
 * words order like their bytes); a 10-byte key makes a 16-byte entry, two longs.
 *
 * <pre>
 *  0                              k              8w - 6                   8w
 *  +------------------------------+--------------+------------------------+
 *  | normalized key prefix,       | zero padding | record pointer (48-bit,|   entry = 8w bytes
 *  | k bytes, unsigned bytes      |              | big-endian byte pos.)  |   (8, 16 or 24)
 *  +------------------------------+--------------+------------------------+
 *
 *  index page:  | entry 0 | entry 1 | ... | entry e-1 | unused |   e = pageSize / 8w
 *  record pages: one byte stream, records back to back, a record may span pages;
 *                pointer p = byte p % pageSize of record page p / pageSize
 * </pre>
 *
 * <p>The 48-bit pointer caps the record bytes of one sorter at {@link #MAX_RECORD_BYTES} (256
 * TiB); a write beyond it is refused like a write into full memory.
 *
 * <p><b>Sorting</b> ({@link RadixSort}). If the source lends as many pages as the index has,
 * the first radix pass copies the entries into them by key byte 0 and gives the old index pages
 * back ({@link #distributeByFirstByte}); otherwise, and on every deeper level, entries move in
 * place. So a sort may briefly hold twice its index pages, within what the source allows.
 *
 * <p><b>Full memory.</b> A write that finds no page for the index entry or for the record's bytes
 * is rolled back (the write position returns to the record's start; pages taken on the way stay
 * for the next record) and returns {@code false}.
 *
 * <p>Not thread-safe; owns no pages itself: it gives them back to the source on {@link #reset()}
 * and {@link #close()}, and closes {@code onClose} (if any) when closed.
 */
final class NormalizedKeySorter<T> implements InMemorySorter<T>, IndexedSortable {

  /** Offset of the normalized key prefix in an index entry. */
  static final int KEY_OFFSET = 0;
  /** Bytes of the record pointer, the low bytes of the entry's last (big-endian) word. */
  static final int POINTER_BYTES = 6;
  /** The longest normalized key prefix stored in the index. */
  static final int MAX_KEY_BYTES = 16;
  /** The fewest entries for which the first radix pass goes out of place, given spare pages. */
  static final int OUT_OF_PLACE_MIN_ENTRIES = 1 << 12;
  /** Record bytes a 48-bit pointer can address. */
  static final long MAX_RECORD_BYTES = 1L << (8 * POINTER_BYTES);
  private static final long POINTER_MASK = MAX_RECORD_BYTES - 1;

  /** Records {@link #writeTo} reads ahead before copying them. */
  private static final int TOUCH_BATCH = 32;

  private final SortComparator<T> comparator;
  private final TypeSerializer<T> serializer;
  private final PageSource source;
  private final AutoCloseable onClose;
  private final int pageSize;
  private final int keyBytes;
  /** Words of an entry holding key bytes: the prefix comparison reads these. */
  private final int keyWords;
  /** Mask of the key bytes in the last key word (the rest is padding or pointer). */
  private final long lastKeyMask;
  private final int entryBytes;
  /** Offset of the word holding the pointer in its low {@link #POINTER_BYTES} bytes. */
  private final int pointerWord;
  private final int entriesPerPage;
  /** log2(entriesPerPage) if it is a power of two (8- and 16-byte entries), else -1. */
  private final int pageShift;
  /** ceil(2^64 / entriesPerPage): {@code i / entriesPerPage} is the high half of {@code i * this}. */
  private final long reciprocal;
  private final boolean prefixDecides;

  /** The index pages in use, {@code [0, indexPageCount)}; the array grows by doubling. */
  private MemorySegment[] indexPages = new MemorySegment[16];
  private int indexPageCount;
  /** What {@link #writeTo} and the iterator read ahead, kept so that the reads are not optimised away. */
  @SuppressWarnings("unused")
  private long touchedSink;
  private final RecordOutput records;
  private int count;
  private long recordBytes;
  private SeekableInputView left;
  private SeekableInputView right;
  private boolean closed;

  NormalizedKeySorter(SortComparator<T> comparator, PageSource source, AutoCloseable onClose) {
    this.comparator = comparator.duplicate();
    this.serializer = Objects.requireNonNull(comparator.serializer(), "comparator.serializer()");
    this.source = source;
    this.onClose = onClose;
    this.pageSize = source.pageSize();
    this.keyBytes = Math.clamp(comparator.normalizedKeyLength(), 0, MAX_KEY_BYTES);
    this.keyWords = (keyBytes + Long.BYTES - 1) / Long.BYTES;
    this.lastKeyMask = keyBytes % Long.BYTES == 0 ? -1L : -1L << (Long.SIZE - 8 * (keyBytes % Long.BYTES));
    this.entryBytes = entryBytes(keyBytes);
    this.pointerWord = entryBytes - Long.BYTES;
    this.entriesPerPage = pageSize / entryBytes;
    this.pageShift = Integer.bitCount(entriesPerPage) == 1 ? Integer.numberOfTrailingZeros(entriesPerPage) : -1;
    this.reciprocal = reciprocal(entriesPerPage);
    this.prefixDecides = keyBytes > 0 && comparator.normalizedKeyDecidesOrder(keyBytes);
    this.records = new RecordOutput();
  }

  /** The key prefix length in bytes stored in each index entry. */
  int keyBytes() {
    return keyBytes;
  }

  /** The bytes of an index entry for a {@code keyBytes} prefix: key and pointer, rounded up to words. */
  static int entryBytes(int keyBytes) {
    return (keyBytes + POINTER_BYTES + Long.BYTES - 1) & -Long.BYTES;
  }

  // ---------------------------------------------------------------- writing

  @Override
  public boolean write(T record) throws IOException {
    Objects.requireNonNull(record, "record");
    checkOpen();
    long start = recordBytes;
    if (start >= MAX_RECORD_BYTES || count == indexPageCount * entriesPerPage && !addIndexPage()) {
      return false;
    }
    try {
      serializer.serialize(record, records);
    } catch (EOFException full) {
      records.seek(start);
      return false;
    } catch (IOException | RuntimeException e) {
      records.seek(start);
      throw e;
    }
    recordBytes = records.position();
    writeEntry(count, start, record);
    count++;
    left = null;
    return true;
  }

  /** Writes entry {@code i}: padding words zeroed, the pointer, then the key over the leading bytes. */
  private void writeEntry(int i, long pointer, T record) {
    MemorySegment page = indexPages[pageOf(i)];
    int offset = entryOffset(i);
    for (int w = 0; w < pointerWord; w += Long.BYTES) {
      page.putLong(offset + w, 0L);
    }
    page.putLongBigEndian(offset + pointerWord, pointer);
    if (keyBytes > 0) {
      comparator.putNormalizedKey(record, page, offset + KEY_OFFSET, keyBytes);
    }
  }

  private boolean addIndexPage() {
    MemorySegment page = source.nextPage();
    if (page == null) {
      return false;
    }
    if (indexPageCount == indexPages.length) {
      indexPages = Arrays.copyOf(indexPages, 2 * indexPageCount);
    }
    indexPages[indexPageCount++] = page;
    return true;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public boolean isEmpty() {
    return count == 0;
  }

  @Override
  public long occupancy() {
    return recordBytes + (long) count * entryBytes;
  }

  @Override
  public long capacity() {
    return (long) (indexPageCount + records.pages.size()) * pageSize;
  }

  // ---------------------------------------------------------------- sorting

  @Override
  public void sort() throws IOException {
    checkOpen();
    openReaders();
    try {
      RadixSort.sort(this);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void openReaders() {
    if (left == null) {
      left = records.reader(recordBytes);
      right = records.reader(recordBytes);
    }
  }

  /**
   * The index page of entry {@code i}: a shift if a page holds a power of two of entries, else
   * {@code i / entriesPerPage} by a multiplication (exact for every int {@code i >= 0}, as the
   * reciprocal's error stays below {@code 2^-33} per unit and a quotient's fraction below {@code 1
   * - 1/entriesPerPage}), not a division, on the sort's hot path.
   */
  private int pageOf(int i) {
    return pageShift >= 0 ? i >>> pageShift : quotient(i, reciprocal);
  }

  /** ceil(2^64 / d) for {@code 3 <= d}, as a positive long. */
  static long reciprocal(int d) {
    if (d < 3) {
      throw new IllegalArgumentException("divisor=" + d + " must be at least 3");
    }
    return Long.divideUnsigned(-1L, d) + 1;
  }

  /** {@code i / d} for {@code i >= 0}, given {@code reciprocal(d)}. */
  static int quotient(int i, long reciprocal) {
    return (int) Math.multiplyHigh(i, reciprocal);
  }

  /** The byte offset of entry {@code i} in its index page. */
  private int entryOffset(int i) {
    return (i - pageOf(i) * entriesPerPage) * entryBytes;
  }

  @Override
  public int comparePrefix(int i, int j) {
    if (keyWords == 0) {
      return 0;
    }
    int pi = pageOf(i);
    int pj = pageOf(j);
    MemorySegment a = indexPages[pi];
    MemorySegment b = indexPages[pj];
    int ai = (i - pi * entriesPerPage) * entryBytes + KEY_OFFSET;
    int bj = (j - pj * entriesPerPage) * entryBytes + KEY_OFFSET;
    int last = keyWords - 1;
    for (int w = 0; w < last; w++, ai += Long.BYTES, bj += Long.BYTES) {
      long x = a.getLongBigEndian(ai);
      long y = b.getLongBigEndian(bj);
      if (x != y) {
        return Long.compareUnsigned(x, y);
      }
    }
    return Long.compareUnsigned(a.getLongBigEndian(ai) & lastKeyMask, b.getLongBigEndian(bj) & lastKeyMask);
  }

  @Override
  public int compare(int i, int j) {
    if (keyBytes > 0) {
      int c = comparePrefix(i, j);
      if (c != 0 || prefixDecides) {
        return c;
      }
    }
    left.setReadPosition(pointer(i));
    right.setReadPosition(pointer(j));
    try {
      return comparator.compareSerialized(left, right);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Exchanges two entries word by word (entries are one to three words, at word offsets). */
  @Override
  public void swap(int i, int j) {
    int pi = pageOf(i);
    int pj = pageOf(j);
    MemorySegment a = indexPages[pi];
    MemorySegment b = indexPages[pj];
    int x = (i - pi * entriesPerPage) * entryBytes;
    int y = (j - pj * entriesPerPage) * entryBytes;
    swapWord(a, b, x, y);
    if (entryBytes > Long.BYTES) {
      swapWord(a, b, x + Long.BYTES, y + Long.BYTES);
      if (entryBytes > 2 * Long.BYTES) {
        swapWord(a, b, x + 2 * Long.BYTES, y + 2 * Long.BYTES);
      }
    }
  }

  private static void swapWord(MemorySegment a, MemorySegment b, int x, int y) {
    long t = a.getLong(x);
    a.putLong(x, b.getLong(y));
    b.putLong(y, t);
  }

  @Override
  public boolean hasPrefix() {
    return keyBytes > 0;
  }

  @Override
  public int prefixLength() {
    return keyBytes;
  }

  @Override
  public int prefixByte(int i, int k) {
    MemorySegment page = indexPages[pageOf(i)];
    return Byte.toUnsignedInt(page.get(entryOffset(i) + KEY_OFFSET + k));
  }

  @Override
  public boolean prefixDecidesOrder() {
    return prefixDecides;
  }

  /**
   * Copies the entries, in buckets of key byte 0, into as many new index pages as the index has,
   * taken from the source, then gives the old index pages back. Only for an index of at least
   * {@link #OUT_OF_PLACE_MIN_ENTRIES} entries (a smaller one stays in cache, in place is fine),
   * and only if the source lends the pages: a full sort buffer sorts in place.
   */
  @Override
  public boolean distributeByFirstByte(int[] start) {
    if (keyBytes == 0 || count < OUT_OF_PLACE_MIN_ENTRIES) {
      return false;
    }
    MemorySegment[] target = takeIndexPages();
    if (target == null) {
      return false;
    }
    countFirstByte(start);
    int[] next = Arrays.copyOf(start, start.length);
    for (int i = 0; i < count; i++) {
      int p = pageOf(i);
      MemorySegment from = indexPages[p];
      int x = (i - p * entriesPerPage) * entryBytes;
      int d = next[Byte.toUnsignedInt(from.get(x + KEY_OFFSET))]++;
      int q = pageOf(d);
      copyEntry(from, x, target[q], (d - q * entriesPerPage) * entryBytes);
    }
    for (int p = 0; p < indexPageCount; p++) {
      source.returnPage(indexPages[p]);
    }
    indexPages = target;
    return true;
  }

  /** As many pages as the index holds, in an array as long as {@link #indexPages}; or null (none taken). */
  private MemorySegment[] takeIndexPages() {
    MemorySegment[] pages = new MemorySegment[indexPages.length];
    for (int p = 0; p < indexPageCount; p++) {
      pages[p] = source.nextPage();
      if (pages[p] == null) {
        for (int q = 0; q < p; q++) {
          source.returnPage(pages[q]);
        }
        return null;
      }
    }
    return pages;
  }

  /** Fills {@code start[0..256]} with the bounds of the buckets of key byte 0. */
  private void countFirstByte(int[] start) {
    Arrays.fill(start, 0);
    for (int i = 0; i < count; i++) {
      start[prefixByte(i, 0) + 1]++;
    }
    for (int b = 1; b < start.length; b++) {
      start[b] += start[b - 1];
    }
  }

  private void copyEntry(MemorySegment from, int x, MemorySegment to, int y) {
    to.putLong(y, from.getLong(x));
    if (entryBytes > Long.BYTES) {
      to.putLong(y + Long.BYTES, from.getLong(x + Long.BYTES));
      if (entryBytes > 2 * Long.BYTES) {
        to.putLong(y + 2 * Long.BYTES, from.getLong(x + 2 * Long.BYTES));
      }
    }
  }

  private long pointer(int i) {
    MemorySegment page = indexPages[pageOf(i)];
    return page.getLongBigEndian(entryOffset(i) + pointerWord) & POINTER_MASK;
  }

  // ---------------------------------------------------------------- reading

  @Override
  public RecordIterator<T> iterator() {
    checkOpen();
    SeekableInputView view = records.reader(recordBytes);
    return new RecordIterator<>() {
      private int next;
      private int touchedEnd; // records before this index were read ahead (see writeTo)
      private boolean done;

      @Override
      public T next() throws IOException {
        return next(null);
      }

      @Override
      public T next(T reuse) throws IOException {
        if (done) {
          throw new IllegalStateException("iterator is closed");
        }
        if (next == count) {
          return null;
        }
        if (next == touchedEnd) {
          touchedEnd = Math.min(count, next + TOUCH_BATCH);
          long touched = 0;
          for (int i = next; i < touchedEnd; i++) {
            touched += touch(pointer(i));
          }
          touchedSink = touched;
        }
        view.setReadPosition(pointer(next++));
        // in place where the serializer can: the buffer's pages stay until it is reset, which
        // outlasts the record's validity (until the next call)
        return reuse == null ? serializer.deserialize(view) : serializer.deserializeTransient(reuse, view);
      }

      @Override
      public void close() {
        done = true;
      }
    };
  }

  /**
   * {@inheritDoc}
   *
   * <p>Records are copied {@value #TOUCH_BATCH} at a time: the first bytes of each record of the
   * batch are read before any is copied. In sorted order the records are scattered over the record
   * pages, so each costs a cache miss; these reads do not depend on each other, so the CPU
   * overlaps their misses, and the copies that follow find the records in cache (the same idea as
   * the hash tables' batched lookups). The spilling of an external sort spends most of its time
   * here.
   */
  @Override
  public void writeTo(DataOutputView target) throws IOException {
    checkOpen();
    SeekableInputView view = records.reader(recordBytes);
    long[] batch = new long[TOUCH_BATCH];
    long touched = 0;
    for (int i = 0; i < count; i += TOUCH_BATCH) {
      int n = Math.min(TOUCH_BATCH, count - i);
      for (int k = 0; k < n; k++) {
        long pointer = pointer(i + k);
        batch[k] = pointer;
        touched += touch(pointer);
      }
      for (int k = 0; k < n; k++) {
        view.setReadPosition(batch[k]);
        serializer.copy(view, target);
      }
    }
    touchedSink = touched;
  }

  /** Reads the bytes at {@code pointer}, 64 and 127 bytes on (the first lines of a record), for {@link #writeTo}. */
  private int touch(long pointer) {
    MemorySegment page = records.pages.get((int) (pointer / pageSize));
    int at = (int) (pointer % pageSize);
    return page.get(at) + page.get(Math.min(at + 64, pageSize - 1)) + page.get(Math.min(at + 127, pageSize - 1));
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void reset() {
    count = 0;
    recordBytes = 0;
    left = null;
    right = null;
    for (int p = 0; p < indexPageCount; p++) {
      source.returnPage(indexPages[p]);
      indexPages[p] = null;
    }
    indexPageCount = 0;
    records.returnPages();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    reset();
    if (onClose != null) {
      try {
        onClose.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the page source failed: " + e.getMessage(), e);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("sorter is closed");
    }
  }

  @Override
  public String toString() {
    return "NormalizedKeySorter[records=" + count + ", recordBytes=" + recordBytes + ", indexPages="
        + indexPageCount + ", recordPages=" + records.pages.size() + ", keyBytes=" + keyBytes + "]";
  }

  /**
   * The record pages as one growing byte stream: takes a page from the source whenever a write
   * runs past the last one, and can move back to an earlier position (roll back a failed write).
   */
  private final class RecordOutput extends AbstractPagedOutputView {

    final List<MemorySegment> pages = new ArrayList<>();
    private int pageIndex = -1;

    RecordOutput() {
      super(0);
    }

    @Override
    protected MemorySegment nextSegment(MemorySegment current, int positionInCurrent) throws EOFException {
      int next = pageIndex + 1;
      if (next == pages.size()) {
        MemorySegment page = source.nextPage();
        if (page == null) {
          throw new EOFException("sort buffer is full: recordPages=" + pages.size());
        }
        pages.add(page);
      }
      pageIndex = next;
      return pages.get(next);
    }

    long position() {
      return pageIndex < 0 ? 0 : (long) pageIndex * pageSize + getCurrentPositionInSegment();
    }

    /** Moves the write position back to {@code position}, at most the current position. */
    void seek(long position) {
      if (position == 0) {
        pageIndex = -1;
        clear();
        return;
      }
      int page = (int) ((position - 1) / pageSize);
      pageIndex = page;
      seekOutput(pages.get(page), (int) (position - (long) page * pageSize));
    }

    SeekableInputView reader(long size) {
      return new SeekableInputView(pages, pageSize, size);
    }

    void returnPages() {
      pages.forEach(source::returnPage);
      pages.clear();
      pageIndex = -1;
      clear();
    }
  }
}

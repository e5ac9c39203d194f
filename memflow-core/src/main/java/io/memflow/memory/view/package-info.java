/**
 * Paged views: {@link java.io.DataInput}/{@link java.io.DataOutput} streams over a sequence of
 * {@link io.memflow.memory.MemorySegment}s, where a value may span pages ({@link
 * io.memflow.memory.view.AbstractPagedInputView}, {@link
 * io.memflow.memory.view.AbstractPagedOutputView}), seekable variants over a list of pages
 * ({@link io.memflow.memory.view.SeekableInputView}, {@link
 * io.memflow.memory.view.SeekableOutputView}), and the two variable-length encodings the
 * runtime uses: LEB128 integers ({@link io.memflow.memory.view.VarInts}) and length-prefixed
 * UTF-8 strings ({@link io.memflow.memory.view.Utf8Strings}).
 *
 * <p>Views are not thread-safe and never own the segments they are given: whoever supplied a
 * page frees it.
 */
package io.memflow.memory.view;

/**
 * Binary rows and their sort keys: a {@link io.memflow.row.RowSchema} describes the fields, a
 * {@link io.memflow.row.RowWriter} builds a row's bytes, a {@link io.memflow.row.BinaryRow} reads
 * single fields straight from those bytes, {@link io.memflow.row.BinaryRowSerializer} moves rows
 * through paged views, and {@link io.memflow.row.SortComparators} orders rows (and plain longs,
 * ints and strings) by normalized keys. The layout and the key encodings are described in
 * {@code docs/records.md}.
 */
package io.memflow.row;

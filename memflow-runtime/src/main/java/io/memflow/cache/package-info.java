/**
 * A cache of intermediate results in managed memory that moves to disk when memory is short or
 * reclaimed, read back any number of times: {@link io.memflow.cache.SpillableCache}.
 */
package io.memflow.cache;

package io.memflow.config.memory;

import io.memflow.config.MemorySize;

/**
 * One memory component of a plan, with the rule that decided its size.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the component's field name in the JSON output, such as {@code taskHeap}
 * @param label a human name, such as {@code Task heap}
 * @param size the size
 * @param rule which rule decided it: explicit, default, fraction of what clamped to which range,
 *     remainder of what, or a sum
 */
public record Component(String name, String label, MemorySize size, String rule) {}

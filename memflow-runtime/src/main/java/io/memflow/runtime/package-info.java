/**
 * The embedded TaskManager: {@link io.memflow.runtime.LocalTaskManager} sized by a memory plan,
 * running {@link io.memflow.runtime.Job}s of sources, operators (sort, aggregate, join, filter,
 * your own) and sinks as subtasks in slots, with rows moving between them as bytes in network
 * buffers with backpressure. See docs/runtime.md.
 */
package io.memflow.runtime;

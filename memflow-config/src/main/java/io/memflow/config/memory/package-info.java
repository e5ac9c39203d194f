/**
 * Flink's TaskManager and JobManager memory model, to the byte.
 *
 * <p>Entry points: {@link io.memflow.config.memory.MemoryPlanner} turns a {@link
 * io.memflow.config.Configuration} into a {@link io.memflow.config.memory.TaskManagerMemorySpec}
 * or {@link io.memflow.config.memory.JobManagerMemorySpec} (every component, the JVM flags, the
 * dynamic properties, an explanation per component) or throws an {@link
 * io.memflow.config.memory.InvalidMemoryConfigurationException} that names the conflict and a
 * computed fix. {@link io.memflow.config.memory.NetworkBufferPlanner} sizes network buffers
 * from a job's shape. The options live in {@link io.memflow.config.memory.TaskManagerOptions} and
 * {@link io.memflow.config.memory.JobManagerOptions}; the derivation itself is package-private.
 */
package io.memflow.config.memory;

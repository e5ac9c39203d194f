/**
 * Network buffers: reference-counted {@code Buffer}s over segments, the TaskManager's {@code
 * NetworkBufferPool}, per-task {@code LocalBufferPool}s with backpressure, and the one-writer
 * one-reader {@code BufferBuilder}/{@code BufferConsumer} pair.
 */
package io.memflow.network;

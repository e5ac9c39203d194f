/**
 * Serializers: how values of a type are written to and read from {@link
 * io.memflow.memory.view.DataOutputView}s and {@link io.memflow.memory.view.DataInputView}s
 * ({@link io.memflow.serialization.TypeSerializer}), with the built-in ones in {@link
 * io.memflow.serialization.Serializers}.
 */
package io.memflow.serialization;

package io.memflow.runtime;

import io.memflow.row.BinaryRow;

/**
 * An operator that wants to know which producer subtask each row of an exchanged input comes from
 * (the channel of the input gate). The task then calls this {@code process} instead of {@link
 * Operator#process} for the rows of its gates; rows of a chained input still come through {@code
 * Operator.process}. Package-private: the runtime's own sort uses it to find inputs that arrive
 * in order per producer.
 */
interface ChannelInput {

  /** Processes one row of input {@code input}, from the producer subtask {@code channel}. */
  void process(int input, int channel, BinaryRow row, Collector out) throws Exception;
}

package io.memflow.managed;

/** Asking a {@link Reclaimable} for memory, for the reclaiming strategies. */
final class Reclaiming {

  private Reclaiming() {}

  /**
   * Asks one consumer to give back {@code bytes}, if positive. What it throws is collected into
   * {@code failures} (the first failure carries the later ones as suppressed) rather than stopping
   * the request, which goes on to the next consumer.
   *
   * @return the failures so far, or {@code null}
   */
  static RuntimeException ask(Consumers.Registration consumer, long bytes, RuntimeException failures) {
    if (bytes <= 0) {
      return failures;
    }
    try {
      consumer.reclaimable.reclaim(bytes);
      return failures;
    } catch (RuntimeException e) {
      if (failures == null) {
        return e;
      }
      failures.addSuppressed(e);
      return failures;
    }
  }
}

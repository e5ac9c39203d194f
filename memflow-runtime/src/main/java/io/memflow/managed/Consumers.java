package io.memflow.managed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registered consumers of one manager: weight, {@link Reclaimable} and time of last use
 * (a logical clock, so that uses are totally ordered). Thread-safe.
 */
final class Consumers {

  /** One registered consumer. {@code lastUse} is written by any thread that uses the owner. */
  static final class Registration {
    final Object owner;
    final int weight;
    final Reclaimable reclaimable;
    volatile long lastUse;

    Registration(Object owner, int weight, Reclaimable reclaimable, long lastUse) {
      this.owner = owner;
      this.weight = weight;
      this.reclaimable = reclaimable;
      this.lastUse = lastUse;
    }
  }

  /** A registration with the figure it was ordered by, read once (volatile fields may move). */
  record Candidate(Registration registration, long key) {}

  private final ConcurrentHashMap<Object, Registration> registrations = new ConcurrentHashMap<>();
  private final AtomicLong clock = new AtomicLong();

  void register(Object owner, int weight, Reclaimable reclaimable) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(reclaimable, "reclaimable");
    if (weight < 1) {
      throw new IllegalArgumentException("weight=" + weight + " of owner=" + owner + " must be at least 1");
    }
    Registration registration =
        new Registration(owner, weight, reclaimable, clock.incrementAndGet());
    if (registrations.putIfAbsent(owner, registration) != null) {
      throw new IllegalArgumentException("owner=" + owner + " is already a registered consumer");
    }
  }

  void unregister(Object owner) {
    registrations.remove(owner);
  }

  /** Marks {@code owner} as used now, if it is registered. */
  void touch(Object owner) {
    Registration registration = registrations.get(owner);
    if (registration != null) {
      registration.lastUse = clock.incrementAndGet();
    }
  }

  boolean isEmpty() {
    return registrations.isEmpty();
  }

  /** The guaranteed share of {@code owner}: weight / sum of weights of the budget; 0 if unregistered. */
  long guaranteedShare(Object owner, long budget) {
    Registration registration = registrations.get(owner);
    if (registration == null) {
      return 0;
    }
    return share(registration.weight, weightSum(), budget);
  }

  private long weightSum() {
    long sum = 0;
    for (Registration r : registrations.values()) {
      sum += r.weight;
    }
    return sum;
  }

  /** {@code weight / sum} of the budget; the sum is at least the weight even under races. */
  private static long share(int weight, long sum, long budget) {
    return (long) (budget * ((double) weight / Math.max(sum, weight)));
  }

  /** Every consumer but {@code requester} that holds something, least recently used first. */
  List<Candidate> leastRecentlyUsedFirst(Object requester, Accounts accounts) {
    List<Candidate> candidates = new ArrayList<>();
    for (Registration r : registrations.values()) {
      if (!r.owner.equals(requester) && accounts.held(r.owner) > 0) {
        candidates.add(new Candidate(r, r.lastUse));
      }
    }
    candidates.sort(Comparator.comparingLong(Candidate::key));
    return candidates;
  }

  /**
   * Every consumer but {@code requester} holding more than its guaranteed share, with the bytes
   * borrowed beyond it, most borrowed first.
   */
  List<Candidate> borrowersMostFirst(Object requester, Accounts accounts, long budget) {
    List<Candidate> candidates = new ArrayList<>();
    long sum = weightSum();
    for (Registration r : registrations.values()) {
      long borrowed = accounts.held(r.owner) - share(r.weight, sum, budget);
      if (!r.owner.equals(requester) && borrowed > 0) {
        candidates.add(new Candidate(r, borrowed));
      }
    }
    candidates.sort(Comparator.comparingLong(Candidate::key).reversed());
    return candidates;
  }
}

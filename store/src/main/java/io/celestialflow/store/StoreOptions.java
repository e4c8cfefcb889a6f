package io.celestialflow.store;

import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link RunStore} writes. Immutable; start from {@link #defaults()} and change what you need
 * with the {@code with...} methods.
 *
 * @param queueCapacity how many records may wait for the writer thread (default 65,536)
 * @param overflow what a producer does when that queue is full (default {@link Overflow#BLOCK})
 * @param durable whether every commit is synced to disk, so that it survives a power loss and not
 *     only a crash of the process (default false: SQLite's {@code synchronous=NORMAL} in WAL mode)
 * @param codecs how tasks and results are encoded as JSON (default {@link GsonCodecFactory})
 * @param warnings where the store's one warning goes when it cannot write (default: the SLF4J
 *     logger {@code io.celestialflow.store} at WARN)
 * @param onCommit called on the writer thread after each commit with the number of records
 *     committed so far (default: nothing); for monitoring and tests
 */
public record StoreOptions(
    int queueCapacity,
    Overflow overflow,
    boolean durable,
    CodecFactory codecs,
    Consumer<String> warnings,
    LongConsumer onCommit) {

  private static final Logger log = LoggerFactory.getLogger("io.celestialflow.store");

  /** What a producer does when the writer's queue is full. */
  public enum Overflow {
    /**
     * Waits for room: the run slows down to the store's speed and no record is lost. The writer
     * commits hundreds of thousands of records a second, so waits are short unless the disk stalls;
     * if the database fails, nobody waits any longer (records are dropped and counted).
     */
    BLOCK,
    /**
     * Drops the record and counts it ({@link RunInfo#dropped()}): the run never waits for the
     * store, and its record says how incomplete it is.
     */
    DROP
  }

  /**
   * Checks the fields.
   *
   * @param queueCapacity at least 1
   * @param overflow the overflow policy
   * @param durable sync every commit
   * @param codecs the codec factory
   * @param warnings the warning sink
   * @param onCommit the commit callback
   */
  public StoreOptions {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
    }
    Objects.requireNonNull(overflow, "overflow");
    Objects.requireNonNull(codecs, "codecs");
    Objects.requireNonNull(warnings, "warnings");
    Objects.requireNonNull(onCommit, "onCommit");
  }

  /**
   * The defaults.
   *
   * @return options with every default
   */
  public static StoreOptions defaults() {
    return new StoreOptions(
        65_536, Overflow.BLOCK, false, new GsonCodecFactory(), log::warn, committed -> {});
  }

  /**
   * With another queue capacity.
   *
   * @param capacity records that may wait for the writer
   * @return new options
   */
  public StoreOptions withQueueCapacity(int capacity) {
    return new StoreOptions(capacity, overflow, durable, codecs, warnings, onCommit);
  }

  /**
   * With another overflow policy.
   *
   * @param policy what to do when the queue is full
   * @return new options
   */
  public StoreOptions withOverflow(Overflow policy) {
    return new StoreOptions(queueCapacity, policy, durable, codecs, warnings, onCommit);
  }

  /**
   * With every commit synced to disk, or not.
   *
   * @param sync true to survive power loss too
   * @return new options
   */
  public StoreOptions withDurable(boolean sync) {
    return new StoreOptions(queueCapacity, overflow, sync, codecs, warnings, onCommit);
  }

  /**
   * With another codec factory for tasks and results.
   *
   * @param factory the codecs
   * @return new options
   */
  public StoreOptions withCodecs(CodecFactory factory) {
    return new StoreOptions(queueCapacity, overflow, durable, factory, warnings, onCommit);
  }

  /**
   * With another warning sink.
   *
   * @param sink receives the store's warning
   * @return new options
   */
  public StoreOptions withWarnings(Consumer<String> sink) {
    return new StoreOptions(queueCapacity, overflow, durable, codecs, sink, onCommit);
  }

  /**
   * With a commit callback.
   *
   * @param callback receives the number of records committed so far, after each commit
   * @return new options
   */
  public StoreOptions withOnCommit(LongConsumer callback) {
    return new StoreOptions(queueCapacity, overflow, durable, codecs, warnings, callback);
  }
}

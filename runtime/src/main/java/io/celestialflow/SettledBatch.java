package io.celestialflow;

import io.celestialflow.spi.SettledTasks;
import io.celestialflow.spi.TaskOutcome;

/**
 * The attempts one worker settled at a stage whose observers want identities only, collected until
 * the worker hands them to the {@link Observers} ({@link WorkerContext#settled}): columns, reused
 * from one batch to the next, so recording an attempt is four array stores.
 */
final class SettledBatch implements SettledTasks {
  /** Attempts per batch: a full batch is handed over at once. */
  static final int CAPACITY = 256;

  private static final TaskOutcome[] OUTCOMES = TaskOutcome.values();

  private static final byte SUCCEEDED = (byte) TaskOutcome.SUCCEEDED.ordinal();

  private final Observers observers;
  private final long[] ids = new long[CAPACITY];
  private final long[] parents = new long[CAPACITY];
  private final int[] attempts = new int[CAPACITY];
  private final byte[] outcomes = new byte[CAPACITY];
  private int size;

  SettledBatch(Observers observers) {
    this.observers = observers;
  }

  /** The observers this batch is for. */
  Observers observers() {
    return observers;
  }

  /** Whether the batch holds {@link #CAPACITY} attempts: it must be handed over before the next. */
  boolean isFull() {
    return size == CAPACITY;
  }

  /** Records how an attempt of {@code item} ended; the batch must not be full. */
  void add(Object item, TaskOutcome outcome) {
    int i = size;
    ids[i] = Envelope.id(item);
    parents[i] = Envelope.parentId(item);
    attempts[i] = Envelope.attempt(item);
    outcomes[i] = (byte) outcome.ordinal();
    size = i + 1;
  }

  /** Forgets the attempt added last, if any. */
  void removeLast() {
    if (size > 0) {
      size--;
    }
  }

  /** Forgets the batch once handed over. */
  void clear() {
    size = 0;
  }

  @Override
  public String runId() {
    return observers.runId();
  }

  @Override
  public String stage() {
    return observers.stage();
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long id(int i) {
    return ids[check(i)];
  }

  @Override
  public long parentId(int i) {
    return parents[check(i)];
  }

  @Override
  public int attempt(int i) {
    return attempts[check(i)];
  }

  @Override
  public TaskOutcome outcome(int i) {
    return OUTCOMES[outcomes[check(i)]];
  }

  @Override
  public boolean succeeded(int i) {
    return outcomes[check(i)] == SUCCEEDED;
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("attempt " + i + " of a batch of " + size);
    }
    return i;
  }

  @Override
  public String toString() {
    return "SettledBatch[" + observers.stage() + ", " + size + " attempts]";
  }
}

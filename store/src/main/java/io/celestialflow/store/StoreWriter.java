package io.celestialflow.store;

import io.celestialflow.GraphRun;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The store's one writer thread and the bounded queue that feeds it. Engine threads hand entries
 * over with {@link #offer}; the writer drains the queue in batches of up to {@link #MAX_BATCH} and
 * commits each batch in one transaction.
 *
 * <p>When the queue is full, {@link StoreOptions.Overflow#BLOCK} makes the producer wait for room
 * (backpressure: the run slows to the store's speed, nothing is lost) and {@link
 * StoreOptions.Overflow#DROP} drops the entry and counts it (the run's row says how many). When the
 * database fails (full or read-only disk, file deleted), the writer logs one warning, drops every
 * entry from then on and counts them, so the run goes on unharmed; {@link #problem()} says what
 * happened.
 */
final class StoreWriter implements AutoCloseable {
  static final int MAX_BATCH = 8192;
  private static final long IDLE_POLL_MS = 200;

  private final ArrayBlockingQueue<Entry> queue;
  private final BatchWriter batches;
  private final LineageFiles lineage;
  private final StoreOptions.Overflow overflow;
  private final Consumer<String> warn;
  private final LongConsumer onCommit;
  private final List<Sampler> samplers = new CopyOnWriteArrayList<>();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  /**
   * Entries handed over so far (counted before they enter the queue), and entries the writer is
   * done with (committed or dropped), counted in queue order: once {@code done} reaches a value
   * {@code reserved} had, every entry handed over before is committed (see {@link #awaitDone}).
   */
  private final AtomicLong reserved = new AtomicLong();

  private final AtomicLong done = new AtomicLong();
  private final java.util.concurrent.locks.ReentrantLock doneLock =
      new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.locks.Condition doneMoved = doneLock.newCondition();
  private volatile int waiters;
  private final Thread thread;
  private final String file;
  private volatile boolean closing;
  private volatile @Nullable String problem;

  /** A run whose counters are snapshotted every {@code intervalMs}. */
  private static final class Sampler {
    final String runId;
    final GraphRun run;
    final long intervalMs;
    long next;

    Sampler(String runId, GraphRun run, long intervalMs, long now) {
      this.runId = runId;
      this.run = run;
      this.intervalMs = intervalMs;
      this.next = now + intervalMs;
    }
  }

  StoreWriter(BatchWriter batches, LineageFiles lineage, StoreOptions options, String file) {
    this.batches = batches;
    this.lineage = lineage;
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.overflow = options.overflow();
    this.warn = options.warnings();
    this.onCommit = options.onCommit();
    this.file = file;
    this.thread = new Thread(this::loop, "celestialflow-store-writer");
    thread.setDaemon(true); // a run's own records are flushed when it ends; see RunRecorder
    thread.start();
  }

  /**
   * Hands an entry to the writer. Waits while the queue is full under {@link
   * StoreOptions.Overflow#BLOCK}; drops it (returning false) under {@link
   * StoreOptions.Overflow#DROP}, after the writer failed, or if the waiting thread is interrupted
   * (whose flag is then set again).
   *
   * @return whether the entry was queued
   */
  boolean offer(Entry entry) {
    return handOver(entry, overflow == StoreOptions.Overflow.BLOCK) > 0;
  }

  /**
   * As {@link #offer}, returning the entry's place in the hand-over order (for {@link #awaitDone}),
   * or 0 if it was dropped.
   */
  long offerCounted(Entry entry) {
    return handOver(entry, overflow == StoreOptions.Overflow.BLOCK);
  }

  /** Hands over an entry that must not be dropped for a full queue (run start and end, flushes). */
  boolean put(Entry entry) {
    return handOver(entry, true) > 0;
  }

  private long handOver(Entry entry, boolean wait) {
    if (problem != null || closing) {
      release(entry);
      dropped.incrementAndGet();
      return 0;
    }
    long seq = reserved.incrementAndGet();
    if (queue.offer(entry)) {
      return seq;
    }
    if (wait) {
      try {
        while (problem == null && !closing) {
          if (queue.offer(entry, 100, TimeUnit.MILLISECONDS)) {
            return seq;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    release(entry);
    dropped.incrementAndGet();
    advance(1); // reserved but never queued: done with
    return 0;
  }

  /** The number of entries handed over so far: pass it to {@link #awaitDone}. */
  long handedOver() {
    return reserved.get();
  }

  /**
   * Waits until the writer is done (committed, or dropped after a failure) with the first {@code n}
   * entries handed over — group commit: every thread waiting for one commit wakes when it lands.
   * Returns at once after the writer failed; on interrupt, returns with the flag set.
   */
  void awaitDone(long n) {
    if (done.get() >= n) {
      return;
    }
    doneLock.lock();
    try {
      waiters++;
      while (done.get() < n && problem == null && !closing) {
        doneMoved.await(50, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      waiters--;
      doneLock.unlock();
    }
  }

  private void advance(long n) {
    done.addAndGet(n);
    if (waiters > 0) {
      doneLock.lock();
      try {
        doneMoved.signalAll();
      } finally {
        doneLock.unlock();
      }
    }
  }

  /**
   * Waits until every entry of the run handed over so far is committed or dropped.
   *
   * @return false if that took longer than {@code timeout} or the waiting thread was interrupted
   */
  boolean flush(String runId, Duration timeout) {
    CountDownLatch done = new CountDownLatch(1);
    if (!put(new Entry.Flush(runId, done))) {
      return problem != null; // dropped at once: nothing more can be written anyway
    }
    try {
      return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Snapshots a run's counters every interval until it ends. */
  void sample(String runId, GraphRun run, Duration interval) {
    samplers.add(new Sampler(runId, run, interval.toMillis(), System.currentTimeMillis()));
  }

  /** The writer thread (for the benchmarks' CPU accounting). */
  Thread thread() {
    return thread;
  }

  /** Entries committed so far. */
  long committed() {
    return committed.get();
  }

  /** Entries dropped so far (queue full under DROP, or after the writer failed). */
  long dropped() {
    return dropped.get();
  }

  /** What went wrong with the database, if it did; the writer drops everything since. */
  @Nullable String problem() {
    return problem;
  }

  private void loop() {
    List<Entry> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      Entry first;
      try {
        first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        first = null; // only close() could, and it does not: keep draining
      }
      if (first != null) {
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
      }
      int queued = batch.size();
      addSamples(batch);
      if (!batch.isEmpty()) {
        commit(batch);
        batch.clear();
      }
      if (queued > 0) {
        advance(queued);
      }
      if (closing && queue.isEmpty()) {
        break;
      }
    }
    try (lineage) {
      batches.close();
    } catch (SQLException | java.io.IOException e) {
      warnOnce("could not close run store " + file + ": " + e.getMessage());
    }
  }

  private long pollMillis() {
    long now = System.currentTimeMillis();
    long wait = IDLE_POLL_MS;
    for (Sampler s : samplers) {
      wait = Math.min(wait, Math.max(1, s.next - now));
    }
    return wait;
  }

  private void addSamples(List<Entry> batch) {
    long now = System.currentTimeMillis();
    samplers.removeIf(s -> s.run.isDone());
    for (Sampler s : samplers) {
      if (now >= s.next) {
        batch.add(new Entry.Stats(s.runId, now, s.run.status().stages()));
        s.next = now + s.intervalMs;
      }
    }
  }

  private void commit(List<Entry> batch) {
    if (problem == null) {
      try {
        lineage.write(batch); // lineage goes to files, before the run's end is committed
        if (needsDatabase(batch)) {
          batches.write(batch);
        }
        long n = 0;
        for (Entry e : batch) {
          if (!(e instanceof Entry.Flush)) {
            n++;
          }
        }
        onCommit.accept(committed.addAndGet(n));
      } catch (SQLException | java.io.IOException | RuntimeException e) {
        problem = "cannot write run store " + file + ": " + e.getMessage();
        warnOnce(
            problem
                + "; the run goes on without its store (every further record is dropped and"
                + " counted)");
        dropped.addAndGet(batch.size());
      }
    } else {
      dropped.addAndGet(batch.size());
    }
    for (Entry e : batch) {
      release(e);
    }
  }

  /**
   * Whether a batch holds anything for the database: a batch of lineage blocks alone (the common
   * case of a run recording lineage) costs no transaction, whose locking costs more than the block.
   */
  private static boolean needsDatabase(List<Entry> batch) {
    for (Entry e : batch) {
      if (!(e instanceof Entry.LineageBlock
          || e instanceof Entry.LineageEnd
          || e instanceof Entry.Flush)) {
        return true;
      }
    }
    return false;
  }

  private static void release(Entry e) {
    if (e instanceof Entry.Flush f) {
      f.done().countDown();
    } else if (e instanceof Entry.LineageBlock b) {
      b.recycle();
    }
  }

  private void warnOnce(String message) {
    try {
      warn.accept(message);
    } catch (RuntimeException ignored) {
      // a warning sink that throws must not stop the writer
    }
  }

  /** Writes what is queued, then stops the thread (waiting at most {@code timeout}). */
  void close(Duration timeout) {
    closing = true;
    try {
      thread.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}

package io.celestialflow.redis;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * What the parts of one {@link RemoteWorker} share: its settings and stages, the entries it holds,
 * the finished entries waiting to be committed, its counters and its lifecycle.
 *
 * <p>Threads: one reader ({@link TaskReader}) fetches entries and holds them; the executor's
 * threads run them ({@link TaskRunner}) and queue them as finished; one writer ({@link
 * ResultWriter}) commits the finished ones and releases them; one housekeeping thread claims
 * ({@link Reaper}), renews ({@link ClaimRenewer}) and beats ({@link HeartbeatWriter}). The reader
 * and the writer park when idle and wake each other through {@link #wakeReader()} and {@link
 * #finish}.
 */
final class WorkerState {
  static final int NEW = 0;
  static final int RUNNING = 1;
  static final int STOPPING = 2;
  static final int STOPPED = 3;

  final RedisBridge redis;
  final WorkerSettings settings;

  /** Served stages by name, in the order they were added. */
  final Map<String, ServedStage> stages;

  final ConcurrentHashMap<String, HeldEntry> held = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<FinishedEntry> done = new ConcurrentLinkedQueue<>();
  final AtomicReference<@Nullable String> serverId = new AtomicReference<>();
  final LongAdder processed = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder reclaimed = new LongAdder();
  final LongAdder renewed = new LongAdder();
  final AtomicInteger lifecycle = new AtomicInteger(NEW);

  /** Entries finished (queued for the writer or being committed) and not yet let go of. */
  private final AtomicInteger finished = new AtomicInteger();

  final long startedAt = System.currentTimeMillis();

  /** Set once the stop has given up waiting: interrupted tasks then stay pending. */
  volatile boolean forced;

  volatile boolean readerSleeping;
  volatile boolean writerSleeping;
  volatile @Nullable Thread reader;
  volatile @Nullable Thread writer;

  WorkerState(RedisBridge redis, WorkerSettings settings, Map<String, ServedStage> stages) {
    this.redis = redis;
    this.settings = settings;
    this.stages = stages;
  }

  String consumer() {
    return settings.consumer();
  }

  Collection<ServedStage> stages() {
    return stages.values();
  }

  boolean running() {
    return lifecycle.get() == RUNNING;
  }

  boolean stopped() {
    return lifecycle.get() == STOPPED;
  }

  /**
   * How many more entries the worker may fetch. Entries it has finished and not yet committed do
   * not count against its capacity: no other worker could run them, and counting them kept the
   * reader waiting for each commit's round trip (fetch, run, commit, fetch: nothing overlapped). So
   * a worker holds at most its capacity of entries not yet run, plus at most a batch of finished
   * ones waiting for the writer.
   */
  int free() {
    int all = held.size();
    int unfinished = all - finished.get();
    return Math.min(
        settings.capacity() - unfinished, settings.capacity() + settings.batchSize() - all);
  }

  /** Holds an entry; false if it is held already (a reaper claimed an entry running here). */
  boolean hold(HeldEntry h) {
    return held.putIfAbsent(h.key, h) == null;
  }

  boolean holds(ServedStage s, StreamEntryID id) {
    return held.containsKey(HeldEntry.key(s, id));
  }

  /** Lets go of an entry (committed, or left pending for another worker). */
  void release(HeldEntry h) {
    held.remove(h.key, h);
  }

  /**
   * The fewest entries worth a read. With nothing held, one. Under load, half a batch: the entries
   * held beyond the running ones keep the executor busy meanwhile, and reading each few entries the
   * writer's last commit let go of would cost a round trip (and an executor hand-off) for a handful
   * of tasks — at a full worker, about one read per commit.
   */
  int least() {
    return held.isEmpty() ? 1 : Math.max(1, settings.batchSize() / 2);
  }

  /**
   * Queues a finished entry for the writer. Its place counts as free for the reader, which is woken
   * once there is room for a read (once: it clears the flag, so the next finishes do not wake it
   * again before it has looked).
   */
  void finish(FinishedEntry d) {
    finished.incrementAndGet();
    done.offer(d);
    if (writerSleeping) {
      LockSupport.unpark(writer);
    }
    if (readerSleeping && free() >= least()) {
      readerSleeping = false;
      LockSupport.unpark(reader);
    }
  }

  /** Lets go of a finished entry (committed, or left pending when its commit failed). */
  void committed(FinishedEntry d) {
    release(d.held());
    finished.decrementAndGet();
  }

  /** Wakes the reader if it waits for room. */
  void wakeReader() {
    if (readerSleeping) {
      LockSupport.unpark(reader);
    }
  }

  /** A connection of its own for one of the worker's threads; it creates the groups on connect. */
  Link link(String purpose) {
    return new Link(
        redis, "worker " + consumer() + " " + purpose, serverId, this::createGroups, () -> {});
  }

  void createGroups(Jedis j) {
    for (ServedStage s : stages.values()) {
      Exchange.createGroup(j, s.stream(), settings.group());
    }
  }

  RemoteWorker.Stats stats() {
    return new RemoteWorker.Stats(
        processed.sum(),
        failed.sum(),
        deadLettered.sum(),
        reclaimed.sum(),
        renewed.sum(),
        held.size());
  }
}

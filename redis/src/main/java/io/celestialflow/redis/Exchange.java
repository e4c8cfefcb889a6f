package io.celestialflow.redis;

import io.celestialflow.codec.TaskCodec;
import io.celestialflow.spi.TaskRef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The graph side of one stage's streams: tasks out, results in, each task settled once.
 *
 * <p>Design. Callers (the engine's async dispatcher, a sink) encode a task and put it in the
 * outbox; that is all they do, so they never block on Redis. A <em>sender</em> thread ({@link
 * TaskSender}) drains the outbox in batches and writes each batch with one pipeline of {@code
 * XADD}s. A <em>reader</em> thread ({@link ResultReader}) reads the run's result stream and the
 * stage's dead-letter stream with one blocking {@code XREAD}, deletes what it read in the same
 * round trip, and settles tasks by id in a concurrent table: the first result (or dead letter)
 * completes a task's future; any later one finds nothing to complete and is counted as a duplicate.
 * So workers may run a task twice (at least once), and the graph still counts it once.
 *
 * <p>Failures. Both threads talk to Redis through {@link Link}s that reconnect with backoff. If
 * Redis restarted (its {@code run_id} changed), every task still waiting for a result is written
 * again with the same id, since the restart may have lost it. If Redis stays unreachable longer
 * than the bridge's reconnect timeout, every waiting task fails with {@link
 * RedisUnavailableException}, and new tasks fail at once until a probe (at most every 500 ms) finds
 * Redis again. No wait is unbounded.
 */
final class Exchange implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);
  private static final long PROBE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);

  /** What the exchange is used for. */
  enum Mode {
    /** A remote stage: send, then await the result. */
    CALL,
    /** A sink without replies (hand-off to a source): send only. */
    SEND,
    /** A sink with replies and its ack: send now, await later by id. */
    SEND_AWAIT
  }

  /** Turns an ok result into the value the stage emits. */
  @FunctionalInterface
  interface Decoder {
    Object decode(Wire.Result result);
  }

  final RedisBridge bridge;
  final RedisKeys keys;
  private final String group;
  final Mode mode;
  private final TaskCodec<Object> codec;
  final int batchSize;
  private final long ttlMillis;
  final @Nullable Consumer<RemoteResult> listener;
  private final String run;
  final @Nullable String resultsKey;
  private final String tasksKey;
  final String deadKey;

  final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<Pending> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicReference<@Nullable String> serverId = new AtomicReference<>();
  final LongAdder sent = new LongAdder();
  private final LongAdder resent = new LongAdder();
  final LongAdder settled = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder malformed = new LongAdder();

  volatile @Nullable RedisUnavailableException down;
  volatile boolean resetReader;
  volatile boolean closed;
  volatile boolean senderSleeping;
  volatile boolean readerSleeping;
  private @Nullable Thread sender;
  private @Nullable Thread reader;

  Exchange(
      RedisBridge bridge,
      RedisKeys keys,
      String group,
      Mode mode,
      TaskCodec<Object> codec,
      int batchSize,
      Duration resultTtl,
      @Nullable Consumer<RemoteResult> listener) {
    this.bridge = bridge;
    this.keys = keys;
    this.group = group;
    this.mode = mode;
    this.codec = codec;
    this.batchSize = batchSize;
    this.ttlMillis = resultTtl.toMillis();
    this.listener = listener;
    this.run = newRunId();
    this.resultsKey = mode == Mode.SEND ? null : keys.results(run);
    this.tasksKey = keys.tasks();
    this.deadKey = keys.dead();
  }

  /** A run id: the time in base 36 and random digits, matching {@code [a-z0-9-]}. */
  static String newRunId() {
    String random = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);
    return Long.toString(System.currentTimeMillis(), 36) + "-" + random;
  }

  String run() {
    return run;
  }

  RedisKeys keys() {
    return keys;
  }

  // ------------------------------------------------------------------ the callers' side

  /**
   * Sends a task and returns its result, decoded; see {@link Mode#CALL}. With the engine's view of
   * the task ({@link Lineage}), the message carries the engine's run id and, when the run tracks
   * lineage, the task's engine id, parent and attempt.
   */
  CompletableFuture<Object> call(Object task, @Nullable TaskRef ref, Decoder decoder) {
    try {
      return enqueue(task, ref, decoder);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Sends a task; the future completes with its id once it is in the stream. */
  CompletableFuture<String> send(Object task) {
    try {
      return enqueue(task, null, null).written();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Appends a message that is not a task (an end marker) behind every task sent before it. */
  CompletableFuture<String> sendRaw(String message) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the Redis bridge for stage '" + keys.stage() + "' is closed"));
    }
    Pending p = new Pending("(marker)", "(marker)", message, null, true, null);
    ensureStarted();
    outbox.offer(p);
    if (senderSleeping) {
      LockSupport.unpark(sender);
    }
    return p.written();
  }

  /** How many tasks were sent so far. */
  long count() {
    return seq.get();
  }

  /** The result of a task sent earlier by {@link #send}; see {@link Mode#SEND_AWAIT}. */
  CompletableFuture<Object> await(String id, Decoder decoder) {
    Pending p = pending.get(key(run, id));
    if (p == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "no task '"
                  + id
                  + "' is waiting for a result in stage '"
                  + keys.stage()
                  + "' (not sent by this sink, or already awaited)"));
    }
    p.awaited = true;
    if (p.isDone()) {
      pending.remove(p.key, p);
    }
    return decoded(p, decoder);
  }

  /** The key of a task in the table of tasks waiting for results: its run and id. */
  static String key(String run, String id) {
    return run + ' ' + id;
  }

  /**
   * Encodes a task and puts it in the outbox. With a decoder (a remote stage), the returned future
   * completes with the decoded output and is awaited already; without, it completes with the
   * result, awaited later by {@link #await} (or never, without replies).
   */
  private Pending enqueue(Object task, @Nullable TaskRef ref, @Nullable Decoder decoder) {
    if (closed) {
      throw new IllegalStateException(
          "the Redis bridge for stage '" + keys.stage() + "' is closed");
    }
    RedisUnavailableException unavailable = down;
    if (unavailable != null) {
      throw unavailable; // fail fast until the sender's probe finds Redis again
    }
    String payload = new String(codec.encode(task), StandardCharsets.UTF_8);
    long n = seq.incrementAndGet();
    String taskRun = run;
    String id;
    List<String> parents = List.of();
    int attempt = 1;
    if (ref == null) {
      id = run + "-" + n;
    } else {
      taskRun = ref.runId();
      attempt = ref.attempt();
      if (ref.id() != 0) {
        // The engine's task id; a retry gets a new message id, as the protocol wants.
        id = attempt == 1 ? Long.toString(ref.id()) : ref.id() + "." + attempt;
        parents = ref.parentId() == 0 ? List.of() : List.of(Long.toString(ref.parentId()));
      } else {
        id = run + "-" + n;
      }
    }
    String message =
        Wire.task(
            id,
            keys.graph(),
            keys.stage(),
            taskRun,
            parents,
            attempt,
            payload,
            resultsKey,
            resultsKey == null ? 0 : ttlMillis,
            System.currentTimeMillis(),
            true);
    Pending p =
        new Pending(
            id,
            key(taskRun, id),
            message,
            decoder,
            decoder == null,
            mode == Mode.SEND ? null : pending);
    p.awaited = decoder != null;
    if (mode != Mode.SEND) {
      if (pending.putIfAbsent(p.key, p) != null) {
        throw new IllegalStateException(
            "stage '" + keys.stage() + "': task " + id + " of run " + taskRun + " is already sent");
      }
    }
    ensureStarted();
    outbox.offer(p);
    if (senderSleeping) {
      LockSupport.unpark(sender);
    }
    if (readerSleeping) {
      LockSupport.unpark(reader);
    }
    return p;
  }

  private long nextProbe;

  boolean probeDue() {
    long now = System.nanoTime();
    synchronized (this) {
      if (now - nextProbe >= 0) {
        nextProbe = now + PROBE_INTERVAL_NS;
        return true;
      }
      return false;
    }
  }

  /**
   * A sink's result, decoded (a remote stage's tasks decode as they settle, in {@link Pending}).
   */
  private CompletableFuture<Object> decoded(Pending p, Decoder decoder) {
    CompletableFuture<Object> out = new CompletableFuture<>();
    var unused1 =
        p.whenComplete((r, e) -> {
          if (e != null) {
            out.completeExceptionally(
                e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
            return;
          }
          try {
            out.complete(decoder.decode((Wire.Result) r));
          } catch (Throwable t) {
            out.completeExceptionally(t);
          }
        });
    // The caller cancels the future: stop waiting for the result.
    var unused2 =
        out.whenComplete((v, e) -> {
          if (out.isCancelled()) {
            p.cancel(false);
          }
        });
    return out;
  }

  RemoteStageStats stats() {
    return new RemoteStageStats(
        run,
        sent.sum(),
        resent.sum(),
        pending.size(),
        settled.sum(),
        duplicates.sum(),
        malformed.sum());
  }

  // ------------------------------------------------------------------ threads

  private synchronized void ensureStarted() {
    if (sender != null || closed) {
      return;
    }
    String name = "celestialflow-redis-" + keys.stage();
    sender = Thread.ofPlatform().name(name + "-send").daemon(true).start(new TaskSender(this));
    if (resultsKey != null) {
      reader = Thread.ofPlatform().name(name + "-read").daemon(true).start(new ResultReader(this));
    }
  }

  Link link(String purpose, boolean createGroup) {
    return new Link(
        bridge,
        purpose + " of stage '" + keys.stage() + "'",
        serverId,
        createGroup ? this::ensureGroup : j -> {},
        this::serverRestarted);
  }

  private void ensureGroup(Jedis j) {
    createGroup(j, tasksKey, group);
  }

  static void createGroup(Jedis j, String stream, String group) {
    try {
      j.xgroupCreate(stream, group, new StreamEntryID(0, 0), true);
    } catch (JedisDataException e) {
      if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
        throw e;
      }
    }
  }

  /** Redis restarted and may have lost tasks and results: write every waiting task again. */
  private void serverRestarted() {
    resetReader = true;
    int n = 0;
    for (Pending p : pending.values()) {
      if (p.sent && !p.isDone()) {
        p.sent = false;
        outbox.offer(p);
        n++;
      }
    }
    resent.add(n);
    if (n > 0) {
      log.warn(
          "stage '{}': Redis at {} restarted; sending {} waiting tasks again",
          keys.stage(),
          bridge.address(),
          n);
    }
    Thread s = sender;
    if (s != null) {
      LockSupport.unpark(s);
    }
  }

  /** Redis is unreachable: fails every waiting task, and new ones until a probe finds it again. */
  void markDown(RedisUnavailableException e) {
    if (closed) {
      return;
    }
    if (down == null) {
      log.error("stage '{}': {}; failing the tasks waiting for it", keys.stage(), e.getMessage());
    }
    down = e;
    synchronized (this) {
      nextProbe = System.nanoTime() + PROBE_INTERVAL_NS;
    }
    for (Pending p : pending.values()) {
      p.fail(e);
    }
    Pending p;
    while ((p = outbox.poll()) != null) {
      p.fail(e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Thread s;
    Thread r;
    synchronized (this) {
      s = sender;
      r = reader;
    }
    for (Thread t : new Thread[] {s, r}) {
      if (t != null) {
        LockSupport.unpark(t);
        try {
          if (!t.join(Duration.ofSeconds(3))) {
            t.interrupt();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    CancellationException stop =
        new CancellationException("the Redis bridge for stage '" + keys.stage() + "' was closed");
    for (Pending p : pending.values()) {
      p.fail(stop);
    }
    Pending p;
    while ((p = outbox.poll()) != null) {
      p.fail(stop);
    }
    if (resultsKey != null && s != null && !bridge.isClosed()) {
      try (Jedis j = bridge.borrow()) {
        j.del(resultsKey);
      } catch (RuntimeException e) {
        log.debug("stage '{}': could not delete {}", keys.stage(), resultsKey, e);
      }
    }
  }
}

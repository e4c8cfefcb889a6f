package io.celestialflow.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import io.celestialflow.codec.TaskCodec;
import io.celestialflow.spi.TaskRef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The graph side of one stage's streams: tasks out, results in, each task settled once.
 *
 * <p>Design. Callers (the engine's async dispatcher, a sink) encode a task and put it in the
 * outbox; that is all they do, so they never block on Redis. A <em>sender</em> thread drains the
 * outbox in batches and writes each batch with one pipeline of {@code XADD}s. A <em>reader</em>
 * thread reads the run's result stream and the stage's dead-letter stream with one blocking {@code
 * XREAD}, deletes what it read in the same round trip, and settles tasks by id in a concurrent
 * table: the first result (or dead letter) completes a task's future; any later one finds nothing
 * to complete and is counted as a duplicate. So workers may run a task twice (at least once), and
 * the graph still counts it once.
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
  private static final int READ_COUNT = 1024;
  private static final int BLOCK_MS = 100;
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

  /** One task on its way: its message, and the future its result completes. */
  static final class Pending {
    final String id;
    final String key;
    final String message;
    final CompletableFuture<Wire.Result> result = new CompletableFuture<>();
    final CompletableFuture<String> written = new CompletableFuture<>();
    volatile boolean sent;
    volatile boolean awaited;

    Pending(String id, String key, String message) {
      this.id = id;
      this.key = key;
      this.message = message;
    }
  }

  private final RedisBridge bridge;
  private final RedisKeys keys;
  private final String group;
  private final Mode mode;
  private final TaskCodec<Object> codec;
  private final int batchSize;
  private final long ttlMillis;
  private final @Nullable Consumer<RemoteResult> listener;
  private final String run;
  private final @Nullable String resultsKey;
  private final String tasksKey;
  private final String deadKey;

  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Pending> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicReference<@Nullable String> serverId = new AtomicReference<>();
  private final LongAdder sent = new LongAdder();
  private final LongAdder resent = new LongAdder();
  private final LongAdder settled = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder malformed = new LongAdder();

  private volatile @Nullable RedisUnavailableException down;
  private volatile boolean resetReader;
  private volatile boolean closed;
  private volatile boolean senderSleeping;
  private volatile boolean readerSleeping;
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
    Pending p;
    try {
      p = enqueue(task, ref, true);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return decoded(p, decoder);
  }

  /** Sends a task; the future completes with its id once it is in the stream. */
  CompletableFuture<String> send(Object task) {
    try {
      return enqueue(task, null, false).written;
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
    Pending p = new Pending("(marker)", "(marker)", message);
    ensureStarted();
    outbox.offer(p);
    if (senderSleeping) {
      LockSupport.unpark(sender);
    }
    return p.written;
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
    if (p.result.isDone()) {
      pending.remove(p.key, p);
    }
    return decoded(p, decoder);
  }

  /** The key of a task in the table of tasks waiting for results: its run and id. */
  static String key(String run, String id) {
    return run + ' ' + id;
  }

  private Pending enqueue(Object task, @Nullable TaskRef ref, boolean awaited) {
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
            System.currentTimeMillis());
    Pending p = new Pending(id, key(taskRun, id), message);
    p.awaited = awaited;
    if (mode != Mode.SEND) {
      var unused =
          p.result.whenComplete((r, e) -> {
            if (p.awaited) {
              pending.remove(p.key, p);
            }
          });
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

  private boolean probeDue() {
    long now = System.nanoTime();
    synchronized (this) {
      if (now - nextProbe >= 0) {
        nextProbe = now + PROBE_INTERVAL_NS;
        return true;
      }
      return false;
    }
  }

  private CompletableFuture<Object> decoded(Pending p, Decoder decoder) {
    CompletableFuture<Object> out = new CompletableFuture<>();
    var unused1 =
        p.result.whenComplete((r, e) -> {
          if (e != null) {
            out.completeExceptionally(
                e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
            return;
          }
          try {
            out.complete(decoder.decode(r));
          } catch (Throwable t) {
            out.completeExceptionally(t);
          }
        });
    // The engine cancels the future on a timeout or a cancelled run: stop waiting for the result.
    var unused2 =
        out.whenComplete((v, e) -> {
          if (out.isCancelled()) {
            p.awaited = true;
            p.result.cancel(false);
          }
        });
    return out;
  }

  /** Decodes an ok result's payload with a codec; an error result becomes its exception. */
  static Object value(Wire.Result r, TaskCodec<?> codec) {
    failIfError(r);
    JsonElement v = r.value();
    if (v == null) {
      throw new IllegalStateException(
          "the worker's result for task "
              + r.id()
              + " has no value (is the worker's stage a map?)");
    }
    return codec.decode(v.toString().getBytes(StandardCharsets.UTF_8));
  }

  static List<Object> values(Wire.Result r, TaskCodec<?> codec) {
    failIfError(r);
    JsonArray vs = r.values();
    if (vs == null) {
      throw new IllegalStateException(
          "the worker's result for task "
              + r.id()
              + " has no values (is the worker's stage a splitter?)");
    }
    List<Object> out = new ArrayList<>(vs.size());
    for (JsonElement v : vs) {
      out.add(codec.decode(v.toString().getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  static List<Object> none(Wire.Result r) {
    failIfError(r);
    return List.of();
  }

  private static void failIfError(Wire.Result r) {
    Wire.ErrorInfo e = r.error();
    if (!r.ok() && e != null) {
      throw exception(e, r.worker());
    }
  }

  static RemoteWorkerException exception(Wire.ErrorInfo e, String worker) {
    if (e.type().equals(Wire.DELIVERY_LIMIT)) {
      return new DeadLetterException(Wire.MAX_DELIVERIES, e.type(), e.message(), worker);
    }
    if (e.type().equals(Wire.MALFORMED_TASK)) {
      int colon = e.message().indexOf(':');
      String code = colon > 0 ? e.message().substring(0, colon) : "malformed";
      return new DeadLetterException(code, e.type(), e.message(), worker);
    }
    return new RemoteWorkerException(e.type(), e.types(), e.message(), e.trace(), worker);
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
    sender = Thread.ofPlatform().name(name + "-send").daemon(true).start(this::sendLoop);
    if (resultsKey != null) {
      reader = Thread.ofPlatform().name(name + "-read").daemon(true).start(this::readLoop);
    }
  }

  private Link link(String purpose, boolean createGroup) {
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
      if (p.sent && !p.result.isDone()) {
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

  private void sendLoop() {
    List<Pending> batch = new ArrayList<>(batchSize);
    try (Link link = link("sender", true)) {
      while (!closed) {
        if (down != null) {
          probe(link);
        }
        Pending p;
        while (batch.size() < batchSize && (p = outbox.poll()) != null) {
          if (mode == Mode.SEND || !p.result.isDone()) {
            batch.add(p);
          }
        }
        if (batch.isEmpty()) {
          senderSleeping = true;
          if (outbox.isEmpty() && !closed) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
          }
          senderSleeping = false;
          continue;
        }
        RedisUnavailableException unavailable = down;
        if (unavailable != null) {
          fail(batch, unavailable);
          batch.clear();
          continue;
        }
        try {
          write(link, batch);
          down = null;
        } catch (RedisUnavailableException e) {
          markDown(e);
          fail(batch, e);
        } catch (JedisException e) {
          log.error("stage '{}': Redis refused a batch of tasks", keys.stage(), e);
          fail(batch, new IllegalStateException("Redis refused the task: " + e.getMessage(), e));
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      // closed
    } catch (RuntimeException | Error e) {
      log.error("stage '{}': the Redis sender stopped", keys.stage(), e);
      markDown(new RedisUnavailableException(bridge.address(), e));
    }
  }

  /** While Redis is considered down: one connection attempt every 500 ms. */
  private void probe(Link link) {
    if (!probeDue()) {
      return;
    }
    try {
      link.call(Jedis::ping, () -> false);
      down = null;
      log.info("stage '{}': Redis at {} is reachable again", keys.stage(), bridge.address());
    } catch (RuntimeException | InterruptedException e) {
      // still down
    }
  }

  private void write(Link link, List<Pending> batch) throws InterruptedException {
    List<Response<StreamEntryID>> ids =
        link.call(
            j -> {
              Pipeline pipe = j.pipelined();
              List<Response<StreamEntryID>> rs = new ArrayList<>(batch.size());
              for (Pending q : batch) {
                rs.add(
                    pipe.xadd(
                        keys.tasks(), StreamEntryID.NEW_ENTRY, Map.of(Wire.FIELD, q.message)));
              }
              pipe.sync();
              return rs;
            },
            () -> !closed);
    for (int i = 0; i < batch.size(); i++) {
      Pending q = batch.get(i);
      try {
        ids.get(i).get();
        q.sent = true;
        sent.increment();
        q.written.complete(q.id);
      } catch (JedisDataException e) {
        IllegalStateException error =
            new IllegalStateException("Redis refused the task: " + e.getMessage(), e);
        q.written.completeExceptionally(error);
        q.result.completeExceptionally(error);
      }
    }
  }

  private void fail(List<Pending> batch, RuntimeException error) {
    for (Pending q : batch) {
      q.written.completeExceptionally(error);
      q.result.completeExceptionally(error);
    }
  }

  private void markDown(RedisUnavailableException e) {
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
      p.written.completeExceptionally(e);
      p.result.completeExceptionally(e);
    }
    Pending p;
    while ((p = outbox.poll()) != null) {
      p.written.completeExceptionally(e);
      p.result.completeExceptionally(e);
    }
  }

  private void readLoop() {
    String results = java.util.Objects.requireNonNull(resultsKey);
    StreamEntryID lastResult = new StreamEntryID(0, 0);
    StreamEntryID lastDead = null;
    List<StreamEntryID> consumed = new ArrayList<>();
    boolean idleRead = false;
    try (Link link = link("reader", false)) {
      while (!closed) {
        if (resetReader) {
          resetReader = false;
          lastResult = new StreamEntryID(0, 0);
          lastDead = new StreamEntryID(0, 0);
          consumed.clear();
        }
        if (pending.isEmpty() && consumed.isEmpty() && !idleRead) {
          // Nothing to wait for: sleep until a task is sent, or for a second, then read once to
          // drain late results (duplicates of settled tasks), so they are counted and deleted.
          readerSleeping = true;
          if (pending.isEmpty() && !closed) {
            LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
          }
          readerSleeping = false;
          idleRead = true;
          continue;
        }
        idleRead = false;
        try {
          if (lastDead == null) {
            lastDead = link.call(j -> lastId(j, deadKey), () -> !closed);
          }
          Map<String, StreamEntryID> from = new LinkedHashMap<>();
          from.put(results, lastResult);
          from.put(deadKey, lastDead);
          StreamEntryID[] delete = consumed.toArray(new StreamEntryID[0]);
          List<Map.Entry<String, List<StreamEntry>>> data =
              link.call(
                  j -> {
                    Pipeline pipe = j.pipelined();
                    if (delete.length > 0) {
                      pipe.xdel(results, delete);
                    }
                    Response<List<Map.Entry<String, List<StreamEntry>>>> r =
                        pipe.xread(
                            XReadParams.xReadParams().count(READ_COUNT).block(BLOCK_MS), from);
                    pipe.sync();
                    return r.get();
                  },
                  () -> !closed);
          consumed.clear();
          down = null;
          if (data == null) {
            continue;
          }
          for (Map.Entry<String, List<StreamEntry>> stream : data) {
            boolean isResults = stream.getKey().equals(results);
            for (StreamEntry e : stream.getValue()) {
              if (isResults) {
                consumed.add(e.getID());
                lastResult = e.getID();
                onResult(e);
              } else {
                lastDead = e.getID();
                onDead(e);
              }
            }
          }
        } catch (RedisUnavailableException e) {
          markDown(e);
        } catch (JedisException e) {
          log.error("stage '{}': reading results failed", keys.stage(), e);
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      // closed
    } catch (RuntimeException | Error e) {
      log.error("stage '{}': the Redis result reader stopped", keys.stage(), e);
      markDown(new RedisUnavailableException(bridge.address(), e));
    }
  }

  private static StreamEntryID lastId(Jedis j, String stream) {
    List<StreamEntry> last = j.xrevrange(stream, (StreamEntryID) null, null, 1);
    return last.isEmpty() ? new StreamEntryID(0, 0) : last.get(0).getID();
  }

  private void onResult(StreamEntry e) {
    Wire.Result r;
    try {
      r = Wire.readResult(e.getFields(), keys.graph(), keys.stage());
    } catch (Wire.Rejection x) {
      malformed.increment();
      log.warn("stage '{}': malformed result {}: {}", keys.stage(), e.getID(), x.reason());
      String id = x.member("id");
      String taskRun = x.member("run");
      Pending p = id == null || taskRun == null ? null : pending.get(key(taskRun, id));
      if (p != null
          && p.result.completeExceptionally(
              new DeadLetterException(
                  x.code, Wire.MALFORMED_TASK, "malformed result: " + x.reason(), "?"))) {
        settled.increment();
      }
      return;
    }
    Pending p = pending.get(key(r.run(), r.id()));
    if (p == null || p.result.isDone()) {
      duplicates.increment();
      return;
    }
    // The listener hears of the result before anyone waiting for the task does.
    Consumer<RemoteResult> l = listener;
    if (l != null) {
      try {
        l.accept(
            new RemoteResult(
                r.stage(),
                r.id(),
                r.ok(),
                r.worker(),
                r.delivery(),
                RedisBridge.instant(r.started()),
                RedisBridge.instant(r.finished())));
      } catch (RuntimeException x) {
        log.warn("stage '{}': the onResult listener failed", keys.stage(), x);
      }
    }
    if (p.result.complete(r)) {
      settled.increment();
    } else {
      duplicates.increment(); // a dead letter settled it a moment ago
    }
  }

  private void onDead(StreamEntry e) {
    Wire.Dead d;
    try {
      d = Wire.readDead(e.getFields());
    } catch (Wire.Rejection x) {
      return; // not ours to judge
    }
    // Ours if it names a task of ours by run and id and, when it says, was sent to our results.
    String id = d.id();
    String taskRun = d.run();
    String reply = d.reply();
    if (id == null || taskRun == null || (reply != null && !reply.equals(resultsKey))) {
      return;
    }
    Pending p = pending.get(key(taskRun, id));
    if (p != null) {
      Wire.ErrorInfo err = d.error();
      String type =
          d.code().equals(Wire.MAX_DELIVERIES) ? Wire.DELIVERY_LIMIT : Wire.MALFORMED_TASK;
      String reason = err != null && !err.message().isEmpty() ? err.message() : d.reason();
      if (p.result.completeExceptionally(
          new DeadLetterException(d.code(), type, reason, d.worker()))) {
        settled.increment();
      }
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
      p.written.completeExceptionally(stop);
      p.result.completeExceptionally(stop);
    }
    Pending p;
    while ((p = outbox.poll()) != null) {
      p.written.completeExceptionally(stop);
      p.result.completeExceptionally(stop);
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

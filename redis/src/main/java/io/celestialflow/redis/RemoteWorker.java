package io.celestialflow.redis;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Serves stages of one graph from Redis: the Java remote worker. Many workers, on many machines,
 * share a stage's tasks through its consumer group.
 *
 * <pre>{@code
 * try (RedisBridge redis = RedisBridge.connect("redis://10.0.0.5:6379");
 *     RemoteWorker worker = RemoteWorker.builder(redis, "demo")
 *         .handle(StageHandler.map("square", Integer.class, Long.class, x -> (long) x * x))
 *         .concurrency(8)
 *         .build()
 *         .start()) {
 *   worker.awaitStop();   // until stop() or close() from another thread, or SIGTERM with main()
 * }
 * }</pre>
 *
 * <p>What it guarantees (docs/protocol.md section 5):
 *
 * <ul>
 *   <li><b>Result before acknowledge.</b> A task's result is written to its reply stream first;
 *       only then is the task entry acknowledged and deleted. A worker that dies in between leaves
 *       the entry pending, to be run again (the graph drops the duplicate result).
 *   <li><b>Dead workers' tasks are reclaimed.</b> A reaper in every worker claims entries idle for
 *       longer than the idle-claim time ({@code XAUTOCLAIM}) and runs them.
 *   <li><b>Long tasks are not stolen.</b> While it holds an entry, the worker renews its claim
 *       every third of the idle-claim time ({@code XCLAIM ... JUSTID}), so a task may run for many
 *       idle-claim times and still run once.
 *   <li><b>Poison and malformed messages.</b> An entry delivered more than the delivery limit
 *       (default 5) without a result, or a message that breaks the protocol, goes to the stage's
 *       dead-letter stream with the reason; an error result tells the graph at once.
 *   <li><b>Graceful stop.</b> {@link #stop()} stops reading, finishes what it holds within the
 *       shutdown timeout, and leaves anything else pending for another worker.
 * </ul>
 *
 * <p>It keeps trying to reach Redis while it runs (with backoff); results it could not write yet
 * stay in memory, and their entries stay pending, until it can.
 */
public final class RemoteWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);
  private static final int WRITE_BATCH = 512;

  /** An entry this worker holds: fetched, not yet acknowledged. */
  private static final class Held {
    final Stage stage;
    final StreamEntryID id;
    final long delivery;
    volatile long renewedAt;

    Held(Stage stage, StreamEntryID id, long delivery) {
      this.stage = stage;
      this.id = id;
      this.delivery = delivery;
      this.renewedAt = System.nanoTime();
    }
  }

  /** A finished entry: what to write before it is acknowledged. */
  private record Done(
      Held held,
      @Nullable String taskId,
      @Nullable String reply,
      @Nullable String result,
      long ttl,
      @Nullable String deadLetter,
      boolean failed) {}

  /**
   * Test seam: called with the entries of a batch (results computed) just before the commit that
   * writes their results and acknowledges them in one step.
   */
  record Written(
      String stream, StreamEntryID entry, @Nullable String taskId, @Nullable String reply) {}

  /** One served stage: handler, codecs and keys. */
  private static final class Stage {
    final StageHandler handler;
    final RedisKeys keys;
    final CodecFactory codecs;
    final TaskCodec<Object> in;
    final @Nullable TaskCodec<Object> out;
    final String stream;
    final String dead;

    /** Codecs by class, for outputs written as their own class (no declared output type). */
    final Map<Class<?>, TaskCodec<Object>> byClass = new ConcurrentHashMap<>();

    StreamEntryID cursor = new StreamEntryID(0, 0);

    Stage(StageHandler handler, RedisKeys keys, CodecFactory workerCodecs) {
      CodecFactory declared = handler.codecs();
      this.handler = handler;
      this.keys = keys;
      this.codecs = declared == null ? workerCodecs : declared;
      this.stream = keys.tasks();
      this.dead = keys.dead();
      this.in = EngineAdapter.codec(codecs, handler.taskType(), handler.stage(), "task type");
      Type outType = handler.outputType();
      this.out =
          outType == null
              ? null
              : EngineAdapter.codec(codecs, outType, handler.stage(), "output type");
    }

    String stream() {
      return stream;
    }

    /** The codec an output is written with: the declared output type's, else its class's. */
    @SuppressWarnings("unchecked")
    TaskCodec<Object> codecFor(Object output) {
      TaskCodec<Object> declared = out;
      if (declared != null) {
        return declared;
      }
      return byClass.computeIfAbsent(output.getClass(), c -> (TaskCodec<Object>) codecs.codec(c));
    }
  }

  private final RedisBridge redis;
  private final String graph;
  private final String group;
  private final String consumer;
  private final int concurrency;
  private final int batchSize;
  private final Duration idleClaim;
  private final int deliveryLimit;
  private final Duration heartbeatInterval;
  private final Duration block;
  private final Duration shutdownTimeout;
  private final long deadLetterCap;
  private final @Nullable Duration taskTimeout;
  private final Map<String, Stage> stages = new LinkedHashMap<>();
  private final @Nullable Consumer<List<Written>> beforeCommit;
  private final Map<String, Stage> byStream = new HashMap<>();

  private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
  private final AtomicReference<@Nullable String> serverId = new AtomicReference<>();
  private final LongAdder processed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder reclaimed = new LongAdder();
  private final LongAdder renewed = new LongAdder();
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final long startedAt = System.currentTimeMillis();

  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int STOPPING = 2;
  private static final int STOPPED = 3;

  private volatile boolean forced;
  private volatile boolean readerSleeping;
  private volatile boolean writerSleeping;
  private @Nullable Thread reader;
  private @Nullable Thread writer;
  private @Nullable ExecutorService executor;
  private @Nullable ScheduledExecutorService housekeeping;
  private @Nullable ScheduledExecutorService timers;
  private @Nullable Link housekeepingLink;
  private final Object stopped = new Object();
  private final CountDownLatch joined = new CountDownLatch(1);

  private RemoteWorker(Builder b) {
    this.redis = b.redis;
    this.graph = b.graph;
    this.group = b.group;
    this.consumer = b.consumer == null ? defaultConsumer() : b.consumer;
    this.concurrency = b.concurrency;
    this.batchSize = b.batchSize;
    this.idleClaim = b.idleClaim;
    this.deliveryLimit = b.deliveryLimit;
    this.heartbeatInterval = b.heartbeatInterval;
    this.block = b.block;
    this.shutdownTimeout = b.shutdownTimeout;
    this.deadLetterCap = b.deadLetterCap;
    this.taskTimeout = b.taskTimeout;
    this.beforeCommit = b.beforeCommit;
    for (StageHandler h : b.handlers) {
      Stage s = new Stage(h, redis.keys(graph, h.stage()), b.codecs);
      stages.put(h.stage(), s);
      byStream.put(s.stream(), s);
    }
  }

  private static String defaultConsumer() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "host";
    }
    String random = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
    return host + "-" + ProcessHandle.current().pid() + "-" + random;
  }

  /**
   * Starts configuring a worker for stages of one graph.
   *
   * @param redis the bridge to Redis
   * @param graph the graph name (as given to the graph's remote stages)
   * @return a builder
   */
  public static Builder builder(RedisBridge redis, String graph) {
    return new Builder(redis, graph);
  }

  /**
   * The worker's consumer name in its group.
   *
   * @return the name
   */
  public String consumer() {
    return consumer;
  }

  /**
   * Counters since the worker started.
   *
   * @return the counters
   */
  public Stats stats() {
    return new Stats(
        processed.sum(),
        failed.sum(),
        deadLettered.sum(),
        reclaimed.sum(),
        renewed.sum(),
        held.size());
  }

  /**
   * A worker's counters.
   *
   * @param processed tasks finished (ok or error) and acknowledged
   * @param failed of those, tasks that ended with an error result
   * @param deadLettered entries moved to a dead-letter stream
   * @param reclaimed entries claimed from other (dead) consumers
   * @param renewals claims renewed for entries held long
   * @param inflight entries held now
   */
  public record Stats(
      long processed,
      long failed,
      long deadLettered,
      long reclaimed,
      long renewals,
      long inflight) {}

  // ------------------------------------------------------------------ lifecycle

  /**
   * Starts reading and running tasks.
   *
   * @return this worker
   * @throws IllegalStateException if it was started before
   */
  public RemoteWorker start() {
    if (!state.compareAndSet(NEW, RUNNING)) {
      throw new IllegalStateException("worker " + consumer + " was already started");
    }
    String prefix = "celestialflow-worker-" + graph;
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            concurrency,
            r ->
                Thread.ofPlatform()
                    .name(prefix + "-run-" + n.incrementAndGet())
                    .daemon(true)
                    .unstarted(r));
    housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name(prefix + "-keeper").daemon(true).unstarted(r));
    housekeepingLink = link("housekeeping");
    if (taskTimeout != null) {
      timers =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().name(prefix + "-timer").daemon(true).unstarted(r));
    }
    long idle = idleClaim.toMillis();
    long reap = Math.max(10, Math.min(idle / 4, 1000));
    long renew = Math.max(10, idle / 3);
    ScheduledExecutorService h = Objects.requireNonNull(housekeeping);
    var unused1 =
        h.scheduleWithFixedDelay(
            guard("heartbeat", this::heartbeat),
            0,
            heartbeatInterval.toMillis(),
            TimeUnit.MILLISECONDS);
    var unused2 =
        h.scheduleWithFixedDelay(guard("reaper", this::reap), reap, reap, TimeUnit.MILLISECONDS);
    var unused3 =
        h.scheduleWithFixedDelay(
            guard("renewal", this::renew),
            renew / 2,
            Math.max(5, renew / 2),
            TimeUnit.MILLISECONDS);
    writer = Thread.ofPlatform().name(prefix + "-write").daemon(true).start(this::writeLoop);
    reader = Thread.ofPlatform().name(prefix + "-read").daemon(true).start(this::readLoop);
    log.info(
        "worker {} serves graph '{}' stages {} from Redis at {} (group {}, concurrency {})",
        consumer,
        graph,
        stages.keySet(),
        redis.address(),
        group,
        concurrency);
    return this;
  }

  private Runnable guard(String what, ThrowingRunnable task) {
    return () -> {
      if (state.get() >= STOPPED) {
        return;
      }
      try {
        task.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RedisUnavailableException e) {
        log.warn("worker {}: {}: {}", consumer, what, e.getMessage());
      } catch (RuntimeException e) {
        log.warn("worker {}: {} failed", consumer, what, e);
      }
    };
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws InterruptedException;
  }

  private Link link(String purpose) {
    return new Link(
        redis, "worker " + consumer + " " + purpose, serverId, this::createGroups, () -> {});
  }

  private void createGroups(Jedis j) {
    for (Stage s : stages.values()) {
      Exchange.createGroup(j, s.stream(), group);
    }
  }

  private boolean running() {
    return state.get() == RUNNING;
  }

  /**
   * Stops gracefully: stops reading, finishes the entries it holds within the shutdown timeout
   * (writing results and acknowledging), leaves the rest pending for other workers, removes its
   * heartbeat. Harmless if repeated.
   */
  public void stop() {
    if (!state.compareAndSet(RUNNING, STOPPING)) {
      if (state.compareAndSet(NEW, STOPPED)) {
        signalStopped();
      }
      awaitStop();
      return;
    }
    Thread r = reader;
    if (r != null) {
      LockSupport.unpark(r);
      join(r, block.plusSeconds(5));
    }
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    while (!held.isEmpty() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    if (!held.isEmpty()) {
      log.warn(
          "worker {}: {} entries not finished within {}; they stay pending for another worker",
          consumer,
          held.size(),
          Durations.describe(shutdownTimeout));
    }
    forced = true;
    state.set(STOPPED);
    ExecutorService ex = executor;
    if (ex != null) {
      ex.shutdownNow();
    }
    Thread w = writer;
    if (w != null) {
      LockSupport.unpark(w);
      join(w, Duration.ofSeconds(5));
    }
    ScheduledExecutorService t = timers;
    if (t != null) {
      t.shutdownNow();
    }
    ScheduledExecutorService h = housekeeping;
    if (h != null) {
      h.shutdownNow();
      try {
        h.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Link hl = housekeepingLink;
    if (hl != null) {
      hl.close();
    }
    try (Jedis j = redis.borrow()) {
      Pipeline p = j.pipelined();
      for (Stage s : stages.values()) {
        p.hdel(s.keys.workers(), consumer);
      }
      p.sync();
    } catch (RuntimeException e) {
      log.debug("worker {}: could not remove its heartbeat", consumer, e);
    }
    log.info("worker {} stopped: {}", consumer, stats());
    signalStopped();
  }

  private void signalStopped() {
    synchronized (stopped) {
      stopped.notifyAll();
    }
  }

  private static void join(Thread t, Duration timeout) {
    try {
      if (!t.join(timeout)) {
        t.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the worker has joined: its consumer groups exist and its first heartbeat is written
   * (what the Go worker's {@code ready} line means).
   *
   * @param timeout the longest wait
   * @return true once joined; false if the time ran out (Redis unreachable) or it stopped first
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitJoined(Duration timeout) throws InterruptedException {
    return joined.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && state.get() == RUNNING;
  }

  /** Waits until the worker has stopped (after {@link #stop()} from another thread). */
  public void awaitStop() {
    synchronized (stopped) {
      while (state.get() != STOPPED) {
        try {
          stopped.wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  // ------------------------------------------------------------------ reading

  private int free() {
    return concurrency + batchSize - held.size();
  }

  private void readLoop() {
    List<Stage> all = List.copyOf(stages.values());
    Map<String, StreamEntryID> from = new LinkedHashMap<>();
    for (Stage s : all) {
      from.put(s.stream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
    }
    try (Link link = link("reader")) {
      while (running()) {
        int free = Math.min(batchSize, free());
        if (free <= 0) {
          readerSleeping = true;
          if (free() <= 0 && running()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
          }
          readerSleeping = false;
          continue;
        }
        List<Map.Entry<String, List<StreamEntry>>> data;
        try {
          data =
              link.call(
                  j -> {
                    try {
                      return j.xreadGroup(
                          group,
                          consumer,
                          XReadGroupParams.xReadGroupParams()
                              .count(free)
                              .block((int) block.toMillis()),
                          from);
                    } catch (JedisDataException e) {
                      if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                        createGroups(j);
                        return null;
                      }
                      throw e;
                    }
                  },
                  this::running);
        } catch (RedisUnavailableException e) {
          log.warn("worker {}: {}; still trying", consumer, e.getMessage());
          continue;
        } catch (JedisException e) {
          log.error("worker {}: reading tasks failed", consumer, e);
          Thread.sleep(200);
          continue;
        }
        if (data == null) {
          continue;
        }
        for (Map.Entry<String, List<StreamEntry>> stream : data) {
          Stage s = byStream.get(stream.getKey());
          if (s != null) {
            acceptAll(s, stream.getValue());
          }
        }
      }
    } catch (InterruptedException e) {
      // stopping
    } catch (RuntimeException | Error e) {
      log.error("worker {}: the reader stopped", consumer, e);
    }
  }

  private static String key(Stage s, StreamEntryID id) {
    return s.stream() + ' ' + id;
  }

  /**
   * Takes the entries of one read: holds them and hands them to the executor in at most {@code
   * concurrency} chunks, one executor hand-off per chunk rather than per task.
   */
  private void acceptAll(Stage s, List<StreamEntry> entries) {
    int chunks = Math.min(concurrency, entries.size());
    if (chunks == 0) {
      return;
    }
    List<List<Map.Entry<Held, Map<String, String>>>> split = new ArrayList<>(chunks);
    for (int i = 0; i < chunks; i++) {
      split.add(new ArrayList<>(entries.size() / chunks + 1));
    }
    int i = 0;
    for (StreamEntry e : entries) {
      Held h = new Held(s, e.getID(), 1);
      if (held.putIfAbsent(key(s, e.getID()), h) == null) {
        Map<String, String> fields = e.getFields() == null ? Map.of() : e.getFields();
        split.get(i++ % chunks).add(Map.entry(h, fields));
      }
    }
    ExecutorService ex = Objects.requireNonNull(executor);
    for (List<Map.Entry<Held, Map<String, String>>> chunk : split) {
      if (chunk.isEmpty()) {
        continue;
      }
      try {
        ex.execute(() -> {
          for (Map.Entry<Held, Map<String, String>> e : chunk) {
            if (state.get() == STOPPED) {
              held.remove(key(s, e.getKey().id), e.getKey()); // stays pending for another
              continue;
            }
            run(e.getKey(), e.getValue());
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException x) {
        for (Map.Entry<Held, Map<String, String>> e : chunk) {
          held.remove(key(s, e.getKey().id), e.getKey());
        }
      }
    }
  }

  /** Takes an entry: holds it and hands it to the executor. */
  private void accept(Stage s, StreamEntry e, long delivery) {
    Held h = new Held(s, e.getID(), delivery);
    if (held.putIfAbsent(key(s, e.getID()), h) != null) {
      return; // already held (a reaper claimed an entry this worker is running)
    }
    Map<String, String> fields = e.getFields() == null ? Map.of() : e.getFields();
    ExecutorService ex = Objects.requireNonNull(executor);
    try {
      ex.execute(() -> run(h, fields));
    } catch (java.util.concurrent.RejectedExecutionException x) {
      held.remove(key(s, e.getID()), h); // stopping: stays pending for another worker
    }
  }

  // ------------------------------------------------------------------ running

  private void run(Held h, Map<String, String> fields) {
    Stage s = h.stage;
    long started = System.currentTimeMillis();
    Wire.Task task;
    Object value;
    try {
      task = Wire.readTask(fields, graph, s.handler.stage());
      try {
        value = s.in.decode(task.payload().toString().getBytes(StandardCharsets.UTF_8));
      } catch (CodecException x) {
        throw new Wire.Rejection(
            Wire.BAD_PAYLOAD,
            "the payload is not a " + s.in.type().getTypeName() + ": " + x.getMessage(),
            Wire.parse(fields),
            null);
      }
    } catch (Wire.Rejection r) {
      finish(deadLetter(h, fields, r.code, r.reason(), r.message, r.raw));
      return;
    }
    String result;
    boolean ok;
    TaskTimer timer = startTimer();
    try {
      Object output;
      try {
        output = s.handler.function().apply(value);
      } finally {
        if (timer != null) {
          timer.stop();
        }
      }
      if (timer != null && timer.expired()) {
        throw timer.timeout();
      }
      result =
          Wire.ok(
              task,
              shape(s),
              encode(s, output),
              consumer,
              h.delivery,
              started,
              System.currentTimeMillis());
      ok = true;
    } catch (Throwable error) {
      if (error instanceof VirtualMachineError vm && !(vm instanceof StackOverflowError)) {
        held.remove(key(s, h.id), h); // not renewed any more: reclaimed after the idle time
        throw vm;
      }
      if (forced
          && (error instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
        return; // stopped before it finished: stays pending for another worker
      }
      Throwable failure = error;
      if (timer != null && timer.expired()) {
        failure = timer.timeout(); // whatever the interrupt made the function throw
      } else if (error instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      result =
          Wire.error(
              task,
              Wire.ErrorInfo.of(failure),
              consumer,
              h.delivery,
              started,
              System.currentTimeMillis());
      ok = false;
    }
    finish(new Done(h, task.id(), task.reply(), result, task.ttl(), null, !ok));
  }

  /**
   * Bounds one task's run ({@link Builder#taskTimeout}): interrupts the thread running it when the
   * time is up. The task then ends with a {@link TimeoutException} error result, whatever its
   * function did with the interrupt.
   */
  private final class TaskTimer implements Runnable {
    private final Thread thread = Thread.currentThread();
    private final AtomicInteger state = new AtomicInteger(); // 0 running, 1 stopped, 2 expired
    private final ScheduledFuture<?> alarm;

    TaskTimer(ScheduledExecutorService scheduler, Duration limit) {
      this.alarm = scheduler.schedule(this, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
      if (state.compareAndSet(0, 2)) {
        thread.interrupt();
      }
    }

    void stop() {
      if (!state.compareAndSet(0, 1)) {
        var unused = Thread.interrupted(); // the alarm's interrupt is not the next task's
      }
      alarm.cancel(false);
    }

    boolean expired() {
      return state.get() == 2;
    }

    TimeoutException timeout() {
      return new TimeoutException(
          "the task ran longer than the worker's task timeout of "
              + Durations.describe(Objects.requireNonNull(taskTimeout)));
    }
  }

  private @Nullable TaskTimer startTimer() {
    Duration limit = taskTimeout;
    ScheduledExecutorService scheduler = timers;
    return limit == null || scheduler == null ? null : new TaskTimer(scheduler, limit);
  }

  private static Wire.Shape shape(Stage s) {
    return switch (s.handler.shape()) {
      case MAP -> Wire.Shape.VALUE;
      case SPLITTER -> Wire.Shape.VALUES;
      case CONSUMER -> Wire.Shape.NONE;
    };
  }

  private @Nullable String encode(Stage s, @Nullable Object output) {
    switch (s.handler.shape()) {
      case CONSUMER -> {
        return null;
      }
      case MAP -> {
        if (output == null) {
          throw new IllegalStateException("stage '" + s.handler.stage() + "' returned null");
        }
        return new String(s.codecFor(output).encode(output), StandardCharsets.UTF_8);
      }
      case SPLITTER -> {
        Iterator<?> it;
        Stream<?> stream = null;
        if (output instanceof Iterable<?> i) {
          it = i.iterator();
        } else if (output instanceof Stream<?> st) {
          stream = st;
          it = st.iterator();
        } else if (output instanceof Iterator<?> i) {
          it = i;
        } else if (output instanceof Object[] array) {
          it = Arrays.asList(array).iterator();
        } else {
          throw new IllegalStateException(
              "splitter stage '"
                  + s.handler.stage()
                  + "' returned "
                  + (output == null ? "null" : "a " + output.getClass().getName())
                  + ", not an Iterable, Stream, Iterator or array");
        }
        try {
          StringBuilder b = new StringBuilder("[");
          while (it.hasNext()) {
            Object o = it.next();
            if (o == null) {
              throw new IllegalStateException(
                  "splitter stage '" + s.handler.stage() + "' emitted null");
            }
            if (b.length() > 1) {
              b.append(',');
            }
            b.append(new String(s.codecFor(o).encode(o), StandardCharsets.UTF_8));
          }
          return b.append(']').toString();
        } finally {
          if (stream != null) {
            stream.close();
          }
        }
      }
    }
    throw new AssertionError(s.handler.shape());
  }

  /** A dead letter for an entry, plus an error result when its id and reply can be read. */
  private Done deadLetter(
      Held h,
      Map<String, String> fields,
      String code,
      String reason,
      @Nullable JsonObject message,
      @Nullable String raw) {
    Stage s = h.stage;
    long now = System.currentTimeMillis();
    String id = member(message, "id");
    String reply = member(message, "reply");
    String run = member(message, "run");
    boolean poison = code.equals(Wire.MAX_DELIVERIES);
    // A poison entry has no known error (the workers it was delivered to died or stalled): its
    // dead letter carries none, and the graph's error result says where the entry went. A
    // malformed task's error is its decoding error. (As the Go worker, and vector
    // dead-max-deliveries.)
    Wire.ErrorInfo error =
        poison
            ? Wire.ErrorInfo.protocol(Wire.DELIVERY_LIMIT, reason + "; moved to " + s.dead)
            : Wire.ErrorInfo.protocol(Wire.MALFORMED_TASK, reason);
    String dead =
        Wire.dead(
            new Wire.Dead(
                code,
                reason,
                h.id.toString(),
                s.stream(),
                h.delivery,
                consumer,
                message,
                message == null ? (raw == null ? Wire.raw(fields) : raw) : null,
                poison ? null : error,
                id,
                member(message, "graph"),
                member(message, "stage"),
                run,
                reply,
                now));
    String result = null;
    if (id != null && reply != null) {
      result =
          Wire.error(
              id,
              graph,
              s.handler.stage(),
              run == null ? runOf(reply) : run,
              attempt(message),
              error,
              consumer,
              h.delivery,
              now);
    }
    log.warn(
        "worker {}: stage '{}' entry {} dead-lettered: {}",
        consumer,
        s.handler.stage(),
        h.id,
        reason);
    return new Done(h, id, reply, result, 0, dead, true);
  }

  /**
   * The run of a result stream key ({@code …:results:<run>}), for the error result of a task whose
   * own {@code run} cannot be read (docs/protocol.md section 5.5); {@code unknown} if it has none.
   */
  static String runOf(String reply) {
    String marker = ":results:";
    int i = reply.lastIndexOf(marker);
    return i >= 0 && i + marker.length() < reply.length()
        ? reply.substring(i + marker.length())
        : "unknown";
  }

  /** The message's attempt when it is a readable integer of at least 1, else 1. */
  private static int attempt(@Nullable JsonObject o) {
    JsonElement e = o == null ? null : o.get("attempt");
    if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      try {
        int a = Integer.parseInt(e.getAsString());
        return Math.max(a, 1);
      } catch (NumberFormatException x) {
        return 1;
      }
    }
    return 1;
  }

  private static @Nullable String member(@Nullable JsonObject o, String name) {
    if (o == null) {
      return null;
    }
    JsonElement e = o.get(name);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
        ? e.getAsString()
        : null;
  }

  private void finish(Done d) {
    done.offer(d);
    if (writerSleeping) {
      LockSupport.unpark(writer);
    }
  }

  // ------------------------------------------------------------------ writing

  private void writeLoop() {
    List<Done> batch = new ArrayList<>(WRITE_BATCH);
    try (Link link = link("writer")) {
      while (true) {
        Done d;
        while (batch.size() < WRITE_BATCH && (d = done.poll()) != null) {
          batch.add(d);
        }
        if (batch.isEmpty()) {
          if (state.get() == STOPPED) {
            return;
          }
          writerSleeping = true;
          if (done.isEmpty()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
          }
          writerSleeping = false;
          continue;
        }
        try {
          write(link, batch);
          batch.clear();
        } catch (RedisUnavailableException e) {
          if (state.get() == STOPPED) {
            log.warn(
                "worker {}: {}; {} results not written", consumer, e.getMessage(), batch.size());
            return;
          }
          log.warn(
              "worker {}: {}; keeping {} results to write", consumer, e.getMessage(), batch.size());
        } catch (JedisException e) {
          log.error("worker {}: writing results failed; the entries stay pending", consumer, e);
          for (Done x : batch) {
            held.remove(key(x.held().stage, x.held().id), x.held());
          }
          batch.clear();
        }
      }
    } catch (InterruptedException e) {
      // stopped
    } catch (RuntimeException | Error e) {
      log.error("worker {}: the writer stopped", consumer, e);
    }
  }

  /**
   * Commits a batch with {@link Scripts#COMMIT}: per entry, its dead letter and result, then {@code
   * XACK} + {@code XDEL}, all in one atomic call and one round trip. An entry another worker has
   * claimed meanwhile (this one stalled past the idle-claim time) is that worker's to finish:
   * nothing is written for it. An entry whose result stream key holds something else than a stream
   * stays pending (and ends as a dead letter after the delivery limit).
   */
  private void write(Link link, List<Done> batch) throws InterruptedException {
    var hook = beforeCommit;
    if (hook != null) {
      List<Written> w = new ArrayList<>(batch.size());
      for (Done d : batch) {
        w.add(new Written(d.held().stage.stream(), d.held().id, d.taskId(), d.reply()));
      }
      hook.accept(w);
    }
    List<String> keys = new ArrayList<>();
    Map<String, String> index = new HashMap<>();
    Map<Stage, List<Done>> byStage = new LinkedHashMap<>();
    for (Done d : batch) {
      byStage.computeIfAbsent(d.held().stage, k -> new ArrayList<>()).add(d);
    }
    List<String> args = new ArrayList<>(2 + batch.size() * 8);
    args.add(group);
    args.add(consumer);
    for (Map.Entry<Stage, List<Done>> e : byStage.entrySet()) {
      List<Done> ds = e.getValue();
      StreamEntryID lo = ds.get(0).held().id;
      StreamEntryID hi = lo;
      for (Done d : ds) {
        StreamEntryID id = d.held().id;
        lo = id.compareTo(lo) < 0 ? id : lo;
        hi = id.compareTo(hi) > 0 ? id : hi;
      }
      args.add(keyIndex(keys, index, e.getKey().stream()));
      args.add(Integer.toString(ds.size()));
      args.add(lo.toString());
      args.add(hi.toString());
      for (Done d : ds) {
        args.add(d.held().id.toString());
        String dead = d.deadLetter();
        String reply = d.reply();
        String result = d.result();
        int appends = (dead != null ? 1 : 0) + (reply != null && result != null ? 1 : 0);
        args.add(Integer.toString(appends));
        if (dead != null) {
          args.add(keyIndex(keys, index, d.held().stage.dead));
          args.add("d");
          args.add(Long.toString(deadLetterCap));
          args.add(dead);
        }
        if (reply != null && result != null) {
          args.add(keyIndex(keys, index, reply));
          // A dead letter's error result is optional: a reply key that is not a stream must not
          // keep a poison entry from leaving its task stream.
          args.add(dead != null ? "o" : "r");
          args.add(Long.toString(dead != null ? 0 : d.ttl()));
          args.add(result);
        }
      }
    }
    Object reply =
        link.call(j -> Scripts.COMMIT.run(j, keys, args), () -> state.get() != STOPPED || !forced);
    Set<String> lost = Set.of();
    Set<String> bad = Set.of();
    if (reply instanceof List<?> l && l.size() == 2) {
      lost = ids(l.get(0));
      bad = ids(l.get(1));
    }
    for (Done d : batch) {
      held.remove(key(d.held().stage, d.held().id), d.held());
      String entry = d.held().id.toString();
      if (lost.contains(entry)) {
        log.warn(
            "worker {}: stage '{}' entry {} was claimed by another worker while held here;"
                + " its result is dropped",
            consumer,
            d.held().stage.handler.stage(),
            entry);
      } else if (bad.contains(entry)) {
        log.error(
            "worker {}: stage '{}' entry {}: its result key {} holds something other than a"
                + " stream; the entry stays pending",
            consumer,
            d.held().stage.handler.stage(),
            entry,
            d.reply());
      } else if (d.deadLetter() != null) {
        deadLettered.increment();
      } else {
        processed.increment();
        if (d.failed()) {
          failed.increment();
        }
      }
    }
    if (readerSleeping) {
      LockSupport.unpark(reader);
    }
  }

  private static String keyIndex(List<String> keys, Map<String, String> index, String key) {
    return index.computeIfAbsent(
        key,
        k -> {
          keys.add(k);
          return Integer.toString(keys.size());
        });
  }

  private static Set<String> ids(@Nullable Object reply) {
    if (!(reply instanceof List<?> l) || l.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (Object o : l) {
      if (o instanceof String str) {
        out.add(str);
      } else if (o instanceof byte[] b) {
        out.add(new String(b, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ housekeeping

  /**
   * Claims entries idle longer than the idle-claim time; dead-letters those delivered too often.
   */
  private void reap() throws InterruptedException {
    if (!running()) {
      return;
    }
    Link link = Objects.requireNonNull(housekeepingLink);
    for (Stage s : stages.values()) {
      int free = Math.min(batchSize, free());
      if (free <= 0 || !running()) {
        return;
      }
      Map.Entry<StreamEntryID, List<StreamEntry>> claimed;
      try {
        claimed =
            link.call(
                j ->
                    j.xautoclaim(
                        s.stream(),
                        group,
                        consumer,
                        idleClaim.toMillis(),
                        s.cursor,
                        XAutoClaimParams.xAutoClaimParams().count(free)),
                this::running);
      } catch (JedisDataException e) {
        if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
          continue;
        }
        throw e;
      }
      s.cursor = claimed.getKey();
      List<StreamEntry> entries = new ArrayList<>();
      List<StreamEntryID> gone = new ArrayList<>();
      for (StreamEntry e : claimed.getValue()) {
        if (e.getFields() == null) {
          gone.add(e.getID()); // deleted while pending (Redis 6.2 still returns it): nothing to run
        } else if (!held.containsKey(key(s, e.getID()))) {
          entries.add(e);
        }
      }
      if (!gone.isEmpty()) {
        StreamEntryID[] ids = gone.toArray(new StreamEntryID[0]);
        var unused = link.call(j -> j.xack(s.stream(), group, ids), this::running);
      }
      if (entries.isEmpty()) {
        continue;
      }
      StreamEntryID min = entries.get(0).getID();
      StreamEntryID max = entries.get(entries.size() - 1).getID();
      int count = entries.size() + held.size() + 16;
      List<StreamPendingEntry> counts =
          link.call(
              j ->
                  j.xpending(
                      s.stream(),
                      group,
                      XPendingParams.xPendingParams(min, max, count).consumer(consumer)),
              this::running);
      Map<StreamEntryID, Long> deliveries = new HashMap<>();
      for (StreamPendingEntry p : counts) {
        deliveries.put(p.getID(), p.getDeliveredTimes());
      }
      for (StreamEntry e : entries) {
        long delivery = deliveries.getOrDefault(e.getID(), 2L);
        reclaimed.increment();
        if (delivery > deliveryLimit) {
          Held h = new Held(s, e.getID(), delivery);
          if (held.putIfAbsent(key(s, e.getID()), h) == null) {
            JsonObject message = null;
            try {
              message = Wire.parse(e.getFields());
            } catch (Wire.Rejection r) {
              // raw below
            }
            finish(
                deadLetter(
                    h,
                    e.getFields(),
                    Wire.MAX_DELIVERIES,
                    "delivered "
                        + delivery
                        + " times without a result (limit "
                        + deliveryLimit
                        + ")",
                    message,
                    null));
          }
        } else {
          log.info(
              "worker {}: reclaimed stage '{}' entry {} (delivery {})",
              consumer,
              s.handler.stage(),
              e.getID(),
              delivery);
          accept(s, e, delivery);
        }
      }
    }
  }

  /**
   * Renews the claim of every entry held for more than a third of the idle-claim time, with {@link
   * Scripts#RENEW}: only the entries still pending for this worker are claimed again (a plain
   * {@code XCLAIM} would take an entry back from a worker that legitimately claimed it while this
   * one was stalled); the commit drops the results of the others.
   */
  private void renew() throws InterruptedException {
    long now = System.nanoTime();
    long third = idleClaim.toNanos() / 3;
    Map<String, List<Held>> due = new LinkedHashMap<>();
    for (Held h : held.values()) {
      if (now - h.renewedAt >= third) {
        due.computeIfAbsent(h.stage.stream(), k -> new ArrayList<>()).add(h);
      }
    }
    Link link = Objects.requireNonNull(housekeepingLink);
    for (Map.Entry<String, List<Held>> d : due.entrySet()) {
      List<String> args = new ArrayList<>(d.getValue().size() + 2);
      args.add(group);
      args.add(consumer);
      for (Held h : d.getValue()) {
        args.add(h.id.toString());
      }
      Object reply =
          link.call(
              j -> Scripts.RENEW.run(j, List.of(d.getKey()), args), () -> state.get() != STOPPED);
      Set<String> lost = ids(reply);
      for (Held h : d.getValue()) {
        h.renewedAt = now;
        if (lost.contains(h.id.toString())) {
          log.warn(
              "worker {}: stage '{}' entry {} was claimed by another worker while held here",
              consumer,
              h.stage.handler.stage(),
              h.id);
        } else {
          renewed.increment();
        }
      }
    }
  }

  private void heartbeat() throws InterruptedException {
    if (!running()) {
      return;
    }
    StringBuilder s = new StringBuilder(256);
    s.append("{\"v\":1,\"consumer\":");
    Wire.quote(s, consumer).append(",\"group\":");
    Wire.quote(s, group).append(",\"ts\":").append(System.currentTimeMillis());
    s.append(",\"started\":").append(startedAt);
    s.append(",\"interval\":").append(heartbeatInterval.toMillis());
    s.append(",\"pid\":").append(ProcessHandle.current().pid()).append(",\"host\":");
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "";
    }
    Wire.quote(s, host).append(",\"lang\":\"java\"");
    s.append(",\"inflight\":").append(held.size());
    s.append(",\"processed\":").append(processed.sum());
    s.append(",\"failed\":").append(failed.sum()).append(",\"stages\":[");
    boolean first = true;
    for (String name : stages.keySet()) {
      if (!first) {
        s.append(',');
      }
      first = false;
      Wire.quote(s, name);
    }
    String json = s.append("]}").toString();
    long ttl = Math.max(10 * heartbeatInterval.toMillis(), 30_000);
    Objects.requireNonNull(housekeepingLink)
        .call(
            j -> {
              Pipeline p = j.pipelined();
              for (Stage st : stages.values()) {
                p.hset(st.keys.workers(), consumer, json);
                p.pexpire(st.keys.workers(), ttl);
              }
              p.sync();
              return null;
            },
            this::running);
    joined.countDown(); // the link created the groups when it connected
  }

  // ------------------------------------------------------------------ builder

  /** Configures a {@link RemoteWorker}. Setters check their argument at once. */
  public static final class Builder {
    private final RedisBridge redis;
    private final String graph;
    private final List<StageHandler> handlers = new ArrayList<>();
    private String group = RedisBridge.DEFAULT_GROUP;
    private @Nullable String consumer;
    private int concurrency = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int batchSize = 64;
    private Duration idleClaim = Duration.ofSeconds(30);
    private int deliveryLimit = 5;
    private Duration heartbeatInterval = Duration.ofSeconds(2);
    private Duration block = Duration.ofMillis(200);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private long deadLetterCap = 100_000;
    private @Nullable Duration taskTimeout;
    private CodecFactory codecs = new GsonCodecFactory();
    private @Nullable Consumer<List<Written>> beforeCommit;

    private Builder(RedisBridge redis, String graph) {
      this.redis = Objects.requireNonNull(redis, "redis");
      this.graph = Objects.requireNonNull(graph, "graph");
      if (graph.isEmpty()) {
        throw new IllegalArgumentException("the graph name must not be empty");
      }
    }

    /**
     * Serves a stage.
     *
     * @param handler the stage's handler
     * @return this builder
     * @throws IllegalArgumentException if the stage is already served
     */
    public Builder handle(StageHandler handler) {
      Objects.requireNonNull(handler, "handler");
      for (StageHandler h : handlers) {
        if (h.stage().equals(handler.stage())) {
          throw new IllegalArgumentException("stage '" + h.stage() + "' is already served");
        }
      }
      handlers.add(handler);
      return this;
    }

    /**
     * Sets the consumer group (default {@code workers}).
     *
     * @param group the group name
     * @return this builder
     */
    public Builder group(String group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * Sets the consumer name, unique among the group's live consumers (default {@code
     * host-pid-random}).
     *
     * @param consumer the name
     * @return this builder
     */
    public Builder consumer(String consumer) {
      Objects.requireNonNull(consumer, "consumer");
      if (consumer.isEmpty()) {
        throw new IllegalArgumentException("the consumer name must not be empty");
      }
      this.consumer = consumer;
      return this;
    }

    /**
     * Sets how many tasks run at once (default: the number of processors).
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder concurrency(int n) {
      this.concurrency = Durations.atLeast(n, 1, "concurrency");
      return this;
    }

    /**
     * Sets the most entries read per {@code XREADGROUP} (default 64). The worker holds at most
     * {@code concurrency + batchSize} entries at once.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder batchSize(int n) {
      this.batchSize = Durations.atLeast(n, 1, "batchSize");
      return this;
    }

    /**
     * Sets how long an entry must be idle before a reaper claims it from its (presumed dead)
     * consumer (default 30 s). Claims are renewed every third of it while a task runs.
     *
     * @param idle at least 30 ms
     * @return this builder
     */
    public Builder idleClaim(Duration idle) {
      Durations.positive(idle, "idleClaim");
      if (idle.toMillis() < 30) {
        throw new IllegalArgumentException("idleClaim must be at least 30 ms, was " + idle);
      }
      this.idleClaim = idle;
      return this;
    }

    /**
     * Sets how many deliveries an entry may have without a result before it is dead-lettered
     * (default 5): a task runs at most this many times.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder deliveryLimit(int n) {
      this.deliveryLimit = Durations.atLeast(n, 1, "deliveryLimit");
      return this;
    }

    /**
     * Sets the time between heartbeats (default 2 s).
     *
     * @param interval positive
     * @return this builder
     */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = Durations.positive(interval, "heartbeatInterval");
      return this;
    }

    /**
     * Sets how long one {@code XREADGROUP} waits for tasks (default 200 ms); also how quickly a
     * stop is noticed.
     *
     * @param block positive
     * @return this builder
     */
    public Builder blockTime(Duration block) {
      this.block = Durations.positive(block, "blockTime");
      return this;
    }

    /**
     * Sets how long {@link RemoteWorker#stop()} waits for the entries held to finish (default 10
     * s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Durations.positive(timeout, "shutdownTimeout");
      return this;
    }

    /**
     * Bounds the run of each task (default: none, as the Go worker's {@code -task-timeout}): the
     * thread running a task that takes longer is interrupted, and the task ends with an error
     * result ({@link TimeoutException}), like any failure — the graph's retry policy decides what
     * happens next. A function that ignores interrupts runs on, but its result is not used. The
     * protocol has no per-task deadline (docs/protocol.md section 5.2): this is the worker's own.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder taskTimeout(Duration timeout) {
      this.taskTimeout = Durations.positive(timeout, "taskTimeout");
      return this;
    }

    /**
     * Sets the approximate most entries kept in a dead-letter stream (default 100,000).
     *
     * @param cap at least 1
     * @return this builder
     */
    public Builder deadLetterCap(long cap) {
      if (cap < 1) {
        throw new IllegalArgumentException("deadLetterCap must be at least 1, was " + cap);
      }
      this.deadLetterCap = cap;
      return this;
    }

    /**
     * Sets how payloads and results are decoded and encoded (default Gson JSON); must match the
     * graph side's codecs.
     *
     * @param codecs the codec factory
     * @return this builder
     */
    public Builder codecs(CodecFactory codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /** Test seam: see {@link Written}. */
    Builder beforeCommit(Consumer<List<Written>> hook) {
      this.beforeCommit = hook;
      return this;
    }

    /**
     * Builds the worker (not started).
     *
     * @return the worker
     * @throws IllegalArgumentException if no stage is served
     * @throws io.celestialflow.GraphDefinitionException if a stage's types cannot travel as JSON
     */
    public RemoteWorker build() {
      if (handlers.isEmpty()) {
        throw new IllegalArgumentException("the worker serves no stage: add one with handle(...)");
      }
      return new RemoteWorker(this);
    }
  }

  // ------------------------------------------------------------------ command line

  /**
   * Runs a worker from the command line until SIGINT/SIGTERM (graceful stop):
   *
   * <pre>
   * java -cp &lt;class path&gt; io.celestialflow.redis.RemoteWorker --redis redis://host:6379
   *     --graph demo --worker square --function com.example.Square [--splitter]
   *     [--worker STAGE --function CLASS ...] [--group G] [--consumer NAME] [--concurrency N]
   *     [--batch N] [--idle-claim MS] [--delivery-limit N] [--heartbeat MS] [--shutdown-timeout MS]
   *     [--namespace NS] [--exit-with-stdin]
   * </pre>
   *
   * <p>Each {@code --worker STAGE} is followed by the {@code --function} class that serves it: a
   * {@link io.celestialflow.TaskFunction} (add {@code --splitter} when it returns the outputs of a
   * splitter) or a {@link io.celestialflow.TaskConsumer}. {@code --exit-with-stdin} stops the
   * worker when its standard input ends (for a parent process that starts workers). Exit status 2
   * for bad usage.
   *
   * @param args the command line
   */
  @SuppressWarnings("SystemExitOutsideMain")
  public static void main(String[] args) {
    int status = WorkerCommand.run(args);
    if (status != 0) {
      System.exit(status);
    }
  }
}

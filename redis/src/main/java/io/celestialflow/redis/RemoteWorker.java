package io.celestialflow.redis;

import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;

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

  /**
   * Test seam: called with the entries of a batch (results computed) just before the commit that
   * writes their results and acknowledges them in one step.
   */
  record Written(
      String stream, StreamEntryID entry, @Nullable String taskId, @Nullable String reply) {}

  private final WorkerState state;
  private final Object stopped = new Object();
  private final CountDownLatch joined = new CountDownLatch(1);
  private @Nullable WorkerThreads threads;

  private RemoteWorker(Builder b) {
    WorkerSettings settings =
        new WorkerSettings(
            b.graph,
            b.group,
            b.consumer == null ? defaultConsumer() : b.consumer,
            b.concurrency,
            b.batchSize,
            b.idleClaim,
            b.deliveryLimit,
            b.heartbeatInterval,
            b.block,
            b.shutdownTimeout,
            b.deadLetterCap,
            b.taskTimeout,
            b.beforeCommit);
    Map<String, ServedStage> stages = new LinkedHashMap<>();
    for (StageHandler h : b.handlers) {
      stages.put(h.stage(), new ServedStage(h, b.redis.keys(b.graph, h.stage()), b.codecs));
    }
    this.state = new WorkerState(b.redis, settings, stages);
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
    return state.consumer();
  }

  /**
   * Counters since the worker started.
   *
   * @return the counters
   */
  public Stats stats() {
    return state.stats();
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
    if (!state.lifecycle.compareAndSet(WorkerState.NEW, WorkerState.RUNNING)) {
      throw new IllegalStateException("worker " + consumer() + " was already started");
    }
    threads = new WorkerThreads(state, joined);
    WorkerSettings settings = state.settings;
    log.info(
        "worker {} serves graph '{}' stages {} from Redis at {} (group {}, concurrency {})",
        consumer(),
        settings.graph(),
        state.stages.keySet(),
        state.redis.address(),
        settings.group(),
        settings.concurrency());
    return this;
  }

  /**
   * Stops gracefully: stops reading, finishes the entries it holds within the shutdown timeout
   * (writing results and acknowledging), leaves the rest pending for other workers, removes its
   * heartbeat. Harmless if repeated.
   */
  public void stop() {
    if (!state.lifecycle.compareAndSet(WorkerState.RUNNING, WorkerState.STOPPING)) {
      if (state.lifecycle.compareAndSet(WorkerState.NEW, WorkerState.STOPPED)) {
        signalStopped();
      }
      awaitStop();
      return;
    }
    Objects.requireNonNull(threads).stop();
    log.info("worker {} stopped: {}", consumer(), stats());
    signalStopped();
  }

  private void signalStopped() {
    synchronized (stopped) {
      stopped.notifyAll();
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
    return joined.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && state.running();
  }

  /** Waits until the worker has stopped (after {@link #stop()} from another thread). */
  public void awaitStop() {
    synchronized (stopped) {
      while (!state.stopped()) {
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
     * {@code concurrency + batchSize} entries not yet run at once, and at most a batch more of
     * finished ones waiting for their commit.
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

package io.celestialflow;

import io.celestialflow.event.InputFailed;
import io.celestialflow.event.RunEvent;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.event.StageFinished;
import io.celestialflow.event.StageStarted;
import io.celestialflow.event.TaskFailed;
import io.celestialflow.event.TaskRetried;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a graph: builds a {@link StageRuntime} per stage, starts their drivers and the input
 * feeders, keeps the run's outstanding-task count, and — on a supervisor thread — stops everything
 * once that count reaches zero or the run is cancelled, then builds the {@link GraphResult}.
 *
 * <h2>Phases</h2>
 *
 * {@code RUNNING → QUIESCENT} when the outstanding count reaches zero (every input exhausted, no
 * task queued, in flight or waiting for a retry); {@code RUNNING → CANCELLING} on {@link
 * #cancel()}. Exactly one of the two transitions happens; the supervisor wakes on it.
 */
final class RunEngine implements GraphRun {
  private static final Logger log = LoggerFactory.getLogger(RunEngine.class);
  private static final long STOP_TIMEOUT_SECONDS = 30;
  private static final int RUNNING = 0;
  private static final int QUIESCENT = 1;
  private static final int CANCELLING = 2;
  private static final AtomicLong RUN_IDS = new AtomicLong();

  private final TaskGraph graph;
  private final Layout layout;
  private final String runId;
  private final int keepFailures;
  private final AtomicLong failureCount = new AtomicLong();
  private final String threadPrefix;
  private final StageRuntime[] stages;
  private final List<Feeder> feeders = new ArrayList<>();
  private final List<GraphListener> listeners;
  private final Map<Integer, Outlet.Collect> collectors = new LinkedHashMap<>();
  private final Map<Integer, Inbox> channels = new LinkedHashMap<>();
  private final Set<Integer> channelsTaken = ConcurrentHashMap.newKeySet();
  private final int chunkSize;

  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicInteger phase = new AtomicInteger(RUNNING);
  private volatile boolean cancelled;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CompletableFuture<GraphResult> result = new CompletableFuture<>();
  private volatile RunState state = RunState.RUNNING;
  private volatile @Nullable Throwable cause;
  private final long startNanos = System.nanoTime();
  private final Instant startedAt = Instant.now();

  private final ConcurrentLinkedQueue<TaskFailure> failures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<InputFailure> inputFailures = new ConcurrentLinkedQueue<>();

  private final boolean keepOpen;
  private final ReentrantReadWriteLock injectLock = new ReentrantReadWriteLock();
  private boolean inputsOpen;

  private final ReentrantLock lazyLock = new ReentrantLock();
  private volatile @Nullable ScheduledExecutorService scheduler;
  private volatile @Nullable ExecutorService timedExecutor;
  private final Set<RetryTicket> retryTickets = ConcurrentHashMap.newKeySet();
  private @Nullable ScheduledFuture<?> lingerTask;
  private final Thread supervisor;
  private final List<WorkerContext> lingering = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Thread> timerThreads = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A scheduled retry, so that cancellation can find and record it. */
  private record RetryTicket(StageRuntime stage, Attempt attempt) {}

  RunEngine(RunSpec spec) {
    this.graph = spec.graph();
    this.layout = spec.layout();
    this.runId = UUID.randomUUID().toString();
    this.threadPrefix = "cf-" + graph.name() + "-" + RUN_IDS.incrementAndGet();
    this.chunkSize = graph.chunkSize();
    this.keepOpen = spec.keepOpen();
    this.keepFailures = spec.keepFailures();
    List<GraphListener> all = new ArrayList<>(graph.listeners());
    all.addAll(spec.listeners());
    this.listeners = List.copyOf(all);
    List<RunBuilder.Input> inputs = spec.inputs();
    Set<Integer> collected = spec.collected();
    Map<Integer, List<Consumer<Object>>> callbacks = spec.callbacks();
    Set<Integer> streamed = spec.streamed();

    TaskGraph.Topology topo = graph.topology();
    boolean streaming = layout == Layout.STREAMING;
    List<TaskStage<?, ?>> defs = graph.stages();
    int n = defs.size();
    this.stages = new StageRuntime[n];
    // In the serial layout a stage's whole output waits for the next stage's turn: unbounded.
    int capacity = streaming ? graph.inboxCapacity() : Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      stages[i] = new StageRuntime(this, defs.get(i), i, topo.predecessors()[i].length, capacity);
    }
    for (int i = 0; i < n; i++) {
      int[] succ = topo.successors()[i];
      List<Outlet> outlets = new ArrayList<>();
      String[] edgeNames = new String[succ.length];
      for (int k = 0; k < succ.length; k++) {
        // Edges that close a cycle never block their producer: no cycle of waits can form.
        boolean blocking = streaming && !topo.backEdge()[i][k];
        outlets.add(new Outlet.ToStage(stages[succ[k]], blocking));
        edgeNames[k] = defs.get(succ[k]).name();
      }
      if (collected.contains(i)) {
        Outlet.Collect c = new Outlet.Collect();
        collectors.put(i, c);
        outlets.add(c);
      }
      for (Consumer<Object> cb : callbacks.getOrDefault(i, List.of())) {
        outlets.add(new Outlet.Callback(defs.get(i).name(), cb));
      }
      if (streamed.contains(i)) {
        Inbox channel = new Inbox(graph.inboxCapacity());
        channels.put(i, channel);
        outlets.add(new Outlet.Channel(channel));
      }
      stages[i].wire(outlets.toArray(new Outlet[0]), succ.length, edgeNames, succ);
      stages[i].driver = StageDriver.of(stages[i], threadPrefix + "-" + defs.get(i).name());
    }
    int f = 0;
    for (RunBuilder.Input input : inputs) {
      StageRuntime target = stages[input.stage()];
      feeders.add(
          new Feeder(
              this, target, input.source(), f, threadPrefix + "-feed-" + target.name() + "-" + f));
      f++;
    }
    this.supervisor =
        Thread.ofPlatform()
            .name(threadPrefix + "-supervisor")
            .daemon(true)
            .unstarted(this::supervise);
    if (keepOpen) {
      inputsOpen = true;
      for (StageRuntime s : stages) {
        s.hold();
      }
    }
  }

  void start() {
    graph.register(this);
    fire(new RunStarted(runId, graph.name(), Instant.now(), this));
    for (StageRuntime s : stages) {
      requireDriver(s).start();
    }
    boolean streaming = layout == Layout.STREAMING;
    for (StageRuntime s : stages) {
      if (streaming || !s.hasPendingPredecessors()) {
        s.openGate();
      }
    }
    for (Feeder f : feeders) {
      f.start();
    }
    lingerTask =
        scheduler()
            .scheduleWithFixedDelay(
                this::lingerCheck, Feeder.LINGER_NANOS, Feeder.LINGER_NANOS, TimeUnit.NANOSECONDS);
    supervisor.start();
    for (StageRuntime s : stages) {
      s.tryFinish();
    }
    if (outstanding.get() == 0) {
      quiesce();
    }
  }

  private static StageDriver requireDriver(StageRuntime s) {
    StageDriver d = s.driver;
    if (d == null) {
      throw new IllegalStateException("stage '" + s.name() + "' has no driver");
    }
    return d;
  }

  /**
   * Every {@link Feeder#LINGER_NANOS}: flushes input chunks that waited too long and publishes the
   * finished work of workers stuck in a long task, so nothing done waits behind something slow.
   */
  private void lingerCheck() {
    long now = System.nanoTime();
    for (Feeder f : feeders) {
      if (f.lingering()) {
        f.lingerCheck(now);
      }
    }
    for (WorkerContext ctx : lingering) {
      ctx.lingerCheck();
    }
  }

  void registerLingering(WorkerContext ctx) {
    lingering.add(ctx);
  }

  // ---------------------------------------------------------------- accounting

  boolean isCancelled() {
    return cancelled;
  }

  int chunkSize() {
    return chunkSize;
  }

  void addOutstanding(long n) {
    outstanding.addAndGet(n);
  }

  void releaseOutstanding(long n) {
    long left = outstanding.addAndGet(-n);
    if (left == 0) {
      quiesce();
    } else if (left < 0) {
      internalError(
          null, new IllegalStateException("outstanding task count went negative: " + left));
    }
  }

  private void quiesce() {
    if (phase.compareAndSet(RUNNING, QUIESCENT)) {
      stopSignal.countDown();
    }
  }

  // ---------------------------------------------------------------- events and records

  void recordFailure(TaskFailure failure) {
    if (failureCount.getAndIncrement() < keepFailures) {
      failures.add(failure);
    }
    fire(new TaskFailed(runId, graph.name(), failure.failedAt(), failure));
  }

  void recordInputFailure(InputFailure failure) {
    log.warn(
        "input source of stage '{}' failed after {} tasks: {}: {}",
        failure.stage(),
        failure.tasksRead(),
        failure.exceptionType(),
        failure.message());
    inputFailures.add(failure);
    fire(new InputFailed(runId, graph.name(), Instant.now(), failure));
  }

  void fireRetried(
      String stage, Object task, long taskId, int attempt, Throwable error, Duration delay) {
    fire(
        new TaskRetried(
            runId, graph.name(), Instant.now(), stage, task, taskId, attempt, error, delay));
  }

  void fireStageStarted(String stage) {
    fire(new StageStarted(runId, graph.name(), Instant.now(), stage));
  }

  void stageFinished(StageRuntime stage) {
    StageStats stats = stage.stats(System.nanoTime());
    fire(new StageFinished(runId, graph.name(), Instant.now(), stats));
    if (!cancelled) {
      for (int succ : stage.successors()) {
        stages[succ].predecessorFinished();
      }
    }
  }

  private void fire(RunEvent event) {
    for (GraphListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException | Error e) {
        log.warn("listener {} of graph '{}' threw; ignored", l, graph.name(), e);
      }
    }
  }

  /** A bug in the engine (or an Error on a worker): log it and cancel rather than hang. */
  void internalError(@Nullable StageRuntime stage, Throwable error) {
    log.error(
        "internal error in graph '{}'{}; cancelling the run",
        graph.name(),
        stage == null ? "" : " at stage '" + stage.name() + "'",
        error);
    cancel(error);
  }

  // ---------------------------------------------------------------- retries and timeouts

  void scheduleRetry(StageRuntime stage, Attempt attempt, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      stage.retryDue(attempt);
      return;
    }
    RetryTicket ticket = new RetryTicket(stage, attempt);
    retryTickets.add(ticket);
    if (cancelled) {
      if (retryTickets.remove(ticket)) {
        stage.retryDropped(attempt);
      }
      return;
    }
    if (!schedule(
            () -> {
              if (retryTickets.remove(ticket)) {
                stage.retryDue(attempt);
              }
            },
            delay)
        && retryTickets.remove(ticket)) {
      // The run stopped between the check above and now: the retry will never run.
      stage.retryDropped(attempt);
    }
  }

  /**
   * Runs a short action on the run's timer after {@code delay}.
   *
   * @return false if the run's timer has stopped, so the action will never run
   */
  boolean schedule(Runnable action, Duration delay) {
    try {
      var unused = scheduler().schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private ScheduledExecutorService scheduler() {
    ScheduledExecutorService s = scheduler;
    if (s == null) {
      lazyLock.lock();
      try {
        s = scheduler;
        if (s == null) {
          java.util.concurrent.ThreadFactory timers =
              Thread.ofPlatform().name(threadPrefix + "-timer").daemon(true).factory();
          ScheduledThreadPoolExecutor pool =
              new ScheduledThreadPoolExecutor(
                  1,
                  r -> {
                    Thread t = timers.newThread(r);
                    timerThreads.add(t); // joined when the run stops
                    return t;
                  });
          pool.setRemoveOnCancelPolicy(true);
          s = pool;
          scheduler = s;
        }
      } finally {
        lazyLock.unlock();
      }
    }
    return s;
  }

  ExecutorService timedExecutor() {
    ExecutorService e = timedExecutor;
    if (e == null) {
      lazyLock.lock();
      try {
        e = timedExecutor;
        if (e == null) {
          e =
              Executors.newThreadPerTaskExecutor(
                  Thread.ofVirtual().name(threadPrefix + "-timed-", 0).factory());
          timedExecutor = e;
        }
      } finally {
        lazyLock.unlock();
      }
    }
    return e;
  }

  // ---------------------------------------------------------------- GraphRun

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public TaskGraph graph() {
    return graph;
  }

  @Override
  public Layout layout() {
    return layout;
  }

  @Override
  public GraphStatus status() {
    long now = System.nanoTime();
    List<StageStats> list = new ArrayList<>(stages.length);
    for (StageRuntime s : stages) {
      list.add(s.stats(now));
    }
    return new GraphStatus(runId, graph.name(), state, Duration.ofNanos(now - startNanos), list);
  }

  @Override
  public CompletableFuture<GraphResult> result() {
    return result.copy();
  }

  @Override
  public GraphResult await() {
    try {
      GraphResult r = result.get();
      joinSupervisor(); // it completed the result and is ending: once joined, no thread is left
      return r;
    } catch (InterruptedException e) {
      cancel(e);
      GraphResult r = awaitUninterruptibly();
      Thread.currentThread().interrupt();
      return r;
    } catch (ExecutionException e) {
      throw new CelestialFlowException("run of graph '" + graph.name() + "' failed", causeOf(e));
    }
  }

  private GraphResult awaitUninterruptibly() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          GraphResult r = result.get();
          joinSupervisor();
          return r;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new CelestialFlowException(
              "run of graph '" + graph.name() + "' failed", causeOf(e));
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits for the supervisor's last steps, unless called from it (a completion callback). */
  private void joinSupervisor() throws InterruptedException {
    if (Thread.currentThread() != supervisor) {
      supervisor.join();
    }
  }

  private static Throwable causeOf(ExecutionException e) {
    Throwable c = e.getCause();
    return c == null ? e : c;
  }

  @Override
  public boolean isDone() {
    return result.isDone();
  }

  @Override
  public <I> void inject(TaskStage<I, ?> stage, I task) {
    inject(stages[graph.indexOf(stage, "inject")], task);
  }

  @Override
  public void inject(String stageName, Object task) {
    inject(stages[graph.indexOf(stageName)], task);
  }

  private void inject(StageRuntime stage, @Nullable Object task) {
    if (task == null) {
      throw new GraphInputException("cannot inject a null task into stage '" + stage.name() + "'");
    }
    injectLock.readLock().lock();
    try {
      if (!inputsOpen) {
        throw new GraphStateException(
            keepOpen
                ? "run of graph '" + graph.name() + "' no longer accepts tasks: inputs were closed"
                : "run of graph '"
                    + graph.name()
                    + "' does not accept injected tasks; start it with keepOpen()");
      }
      stage.accept(Chunk.of(task), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // a non-blocking put does not wait
    } finally {
      injectLock.readLock().unlock();
    }
  }

  @Override
  public void closeInputs(String stageName) {
    graph.indexOf(stageName);
    closeInputs(); // refined per stage by the engine-hardening work
  }

  @Override
  public void closeInputs() {
    injectLock.writeLock().lock();
    try {
      if (!inputsOpen) {
        return;
      }
      inputsOpen = false;
    } finally {
      injectLock.writeLock().unlock();
    }
    for (StageRuntime s : stages) {
      s.release(1);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <O> Stream<O> outputs(TaskStage<?, O> stage) {
    int i = graph.indexOf(stage, "outputs");
    Inbox channel = channels.get(i);
    if (channel == null) {
      throw new GraphInputException(
          "stage '"
              + stage.name()
              + "' was not registered for streaming; call stream(stage) on the RunBuilder");
    }
    if (!channelsTaken.add(i)) {
      throw new GraphStateException(
          "the output stream of stage '" + stage.name() + "' was already obtained");
    }
    Iterator<Object> it = new ChannelIterator(channel, this);
    return (Stream<O>)
        StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.NONNULL), false)
            .onClose(channel::close);
  }

  /** Reads a stream channel chunk by chunk, blocking until outputs arrive or the run ends. */
  private static final class ChannelIterator implements Iterator<Object> {
    private final Inbox channel;
    private final RunEngine run;
    private @Nullable Chunk current;

    ChannelIterator(Inbox channel, RunEngine run) {
      this.channel = channel;
      this.run = run;
    }

    @Override
    public boolean hasNext() {
      while (current == null || current.from >= current.to) {
        try {
          current = channel.take(1, Integer.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CelestialFlowException(
              "interrupted while waiting for outputs of graph '" + run.graph.name() + "'", e);
        }
        if (current == null) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Object next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Chunk c = java.util.Objects.requireNonNull(current);
      return c.items[c.from++];
    }
  }

  @Override
  public void cancel() {
    cancel(null);
  }

  void cancel(@Nullable Throwable why) {
    if (phase.compareAndSet(RUNNING, CANCELLING)) {
      cause = why;
      cancelled = true;
      for (StageRuntime s : stages) {
        s.releaseGate();
        s.inbox.close();
      }
      stopSignal.countDown();
    }
  }

  @Override
  public void close() {
    cancel();
    awaitStopped(STOP_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
  }

  void awaitStopped(long timeout, TimeUnit unit) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      try {
        if (!stopped.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          log.warn("run of graph '{}' did not stop within {} {}", graph.name(), timeout, unit);
        } else {
          if (Thread.currentThread() != supervisor) {
            supervisor.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
          }
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- supervisor

  private void supervise() {
    GraphResult r = null;
    try {
      awaitSignal();
      boolean wasCancelled = phase.get() == CANCELLING;
      long now = System.nanoTime();
      if (!wasCancelled) {
        for (StageRuntime s : stages) {
          s.forceFinish(now);
        }
      }
      stopEverything(wasCancelled);
      r = buildResult(wasCancelled);
      state = r.state();
    } catch (RuntimeException | Error e) {
      log.error("supervisor of graph '{}' failed", graph.name(), e);
      cause = e;
      state = RunState.CANCELLED;
      r = buildResult(true);
    } finally {
      graph.unregister(this);
      if (r != null) {
        GraphResult done = r;
        fire(new RunFinished(runId, graph.name(), Instant.now(), done));
        result.complete(done);
      } else {
        result.completeExceptionally(new IllegalStateException("run ended without a result"));
      }
      stopped.countDown();
    }
  }

  private void awaitSignal() {
    while (true) {
      try {
        stopSignal.await();
        return;
      } catch (InterruptedException e) {
        // The supervisor is ours; nobody else interrupts it. Keep waiting for the signal.
      }
    }
  }

  private void stopEverything(boolean wasCancelled) {
    ScheduledFuture<?> linger = lingerTask;
    if (linger != null) {
      linger.cancel(false);
    }
    for (StageRuntime s : stages) {
      s.inbox.close();
    }
    if (wasCancelled) {
      for (Feeder f : feeders) {
        f.interrupt();
      }
      for (StageRuntime s : stages) {
        requireDriver(s).cancel();
      }
      for (RetryTicket t : List.copyOf(retryTickets)) {
        if (retryTickets.remove(t)) {
          t.stage().retryDropped(t.attempt());
        }
      }
    }
    ExecutorService timed = timedExecutor;
    if (timed != null) {
      timed.shutdownNow();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_TIMEOUT_SECONDS);
    try {
      for (Feeder f : feeders) {
        if (!f.join(deadline - System.nanoTime())) {
          log.warn(
              "an input source of graph '{}' is still blocked in hasNext()/next()", graph.name());
        }
      }
      for (StageRuntime s : stages) {
        if (!requireDriver(s)
            .join(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          log.warn(
              "a thread of stage '{}' in graph '{}' did not stop in time (a task ignoring"
                  + " interrupts?); it is left running as a daemon",
              s.name(),
              graph.name());
        }
      }
      if (timed != null
          && !timed.awaitTermination(
              Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        log.warn(
            "a timed-out task of graph '{}' ignores interrupts and is still running", graph.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (wasCancelled) {
      for (StageRuntime s : stages) {
        for (Object item : s.inbox.drain()) {
          s.recordUnfinished(item);
        }
      }
    }
    for (Inbox channel : channels.values()) {
      channel.close();
    }
    ScheduledExecutorService sched = scheduler;
    if (sched != null) {
      sched.shutdownNow();
      // Wait for the timer thread too: once the run's result is out, none of its threads is left.
      // (A terminated pool's thread may still be exiting, so join it as well.)
      try {
        if (!sched.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          log.warn("the timer of graph '{}' did not stop in time", graph.name());
        }
        for (Thread t : timerThreads) {
          t.join(Duration.ofSeconds(STOP_TIMEOUT_SECONDS));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private GraphResult buildResult(boolean wasCancelled) {
    long now = System.nanoTime();
    Map<String, List<Object>> outputs = new LinkedHashMap<>();
    for (Map.Entry<Integer, Outlet.Collect> e : collectors.entrySet()) {
      outputs.put(stages[e.getKey()].name(), e.getValue().toList());
    }
    Map<String, StageStats> stats = new LinkedHashMap<>();
    Map<String, List<Object>> unfinished = new LinkedHashMap<>();
    for (StageRuntime s : stages) {
      stats.put(s.name(), s.stats(now));
      if (!s.unfinishedTasks().isEmpty()) {
        unfinished.put(s.name(), List.copyOf(s.unfinishedTasks()));
      }
    }
    List<InputProgress> inputs = new ArrayList<>(feeders.size());
    for (Feeder f : feeders) {
      inputs.add(f.progress());
    }
    return new GraphResult(
        runId,
        graph,
        wasCancelled ? RunState.CANCELLED : RunState.COMPLETED,
        startedAt,
        Duration.ofNanos(now - startNanos),
        outputs,
        List.copyOf(failures),
        failureCount.get(),
        List.copyOf(inputFailures),
        inputs,
        stats,
        unfinished,
        cause);
  }

  @Override
  public String toString() {
    return "GraphRun[" + graph.name() + " " + runId + ", " + state + "]";
  }
}

package io.celestialflow;

import io.celestialflow.event.InputFailed;
import io.celestialflow.event.RunEvent;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.event.StageFinished;
import io.celestialflow.event.StageStarted;
import io.celestialflow.event.TaskFailed;
import io.celestialflow.event.TaskRetried;
import io.celestialflow.graph.GraphShape;
import io.celestialflow.jfr.JfrEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a graph: builds a {@link StageRuntime} per stage, starts their drivers, the input
 * feeders and the run's timer, keeps the run's outstanding-task count, and — on a supervisor thread
 * — stops everything once that count reaches zero, the run is cancelled, or an error in one of its
 * threads ends it; then builds the {@link GraphResult}.
 *
 * <h2>Phases</h2>
 *
 * {@code RUNNING → QUIESCENT} when the outstanding count reaches zero (every input exhausted, no
 * task queued, in flight or waiting for a retry); {@code RUNNING → CANCELLING} on {@link #cancel()}
 * or a fatal error ({@link #fatal}). Exactly one of the two transitions happens; the supervisor
 * wakes on it.
 *
 * <h2>The run's own threads</h2>
 *
 * Every thread the run starts knows it belongs to the run ({@link #onOwnThread()}): called from
 * there, {@link #close()} only cancels (the caller is one of the threads that must stop), {@link
 * #await()} fails at once, and {@link #inject} does not wait for room. An error that escapes any of
 * them (an {@link OutOfMemoryError}, a bug) ends the run promptly with that cause: the first steps
 * of {@link #fatal} allocate nothing, and a failed run drops its collected outputs first.
 */
final class RunEngine implements GraphRun {
  private static final Logger log = LoggerFactory.getLogger(RunEngine.class);

  /** How often the run's tick looks at lingering chunks, stuck workers and deadlines. */
  static final long TICK_NANOS = 2_000_000;

  private static final long STOP_TIMEOUT_SECONDS = 30;
  private static final int RUNNING = 0;
  private static final int QUIESCENT = 1;
  private static final int CANCELLING = 2;
  private static final AtomicLong RUN_NUMBERS = new AtomicLong();
  private static final ThreadLocal<@Nullable RunEngine> OWNER = new ThreadLocal<>();

  /**
   * Memory set aside to be given back when a run fails with an {@link OutOfMemoryError}, so that
   * ending the run (logging, stopping threads, building the result) has room to work in.
   */
  private static final int RESERVE_BYTES = 2 << 20;

  private static volatile byte @Nullable [] reserve = new byte[RESERVE_BYTES];

  /**
   * Memory set aside for the caller of a run that failed that way: the run's own threads may have
   * spent {@link #reserve} (the unfinished tasks they record stay reachable from the result), and
   * the caller still has to wake, build the run's exception and hand it on.
   */
  private static final int CALLER_RESERVE_BYTES = 256 << 10;

  private static volatile byte @Nullable [] callerReserve = new byte[CALLER_RESERVE_BYTES];

  private final TaskGraph graph;
  private final Layout layout;
  private final String runId;
  private final String threadPrefix;
  private final StageRuntime[] stages;
  private final List<InputReader> readers = new ArrayList<>();
  private final List<GraphListener> listeners;
  private final Map<Integer, Outlet.Collect> collectors = new LinkedHashMap<>();
  private final Map<Integer, Inbox> channels = new LinkedHashMap<>();
  private final Set<Integer> channelsTaken = ConcurrentHashMap.newKeySet();
  private final int chunkSize;
  private final boolean lineage;
  private final int keepFailures;
  private final EngineClock clock;
  private final EngineClock.RunTimer timer;

  /** The kept (task, outputs) pairs of {@link RunBuilder#keepResults}, or null. */
  private final @Nullable ResultKeeper results;

  private final List<Ticking> ticking = new CopyOnWriteArrayList<>();

  /** Whether the run has started (ticks may begin), and whether they have. */
  private volatile boolean started;

  private final AtomicBoolean ticks = new AtomicBoolean();

  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicLong taskIds = new AtomicLong();
  private final AtomicInteger phase = new AtomicInteger(RUNNING);
  private volatile boolean cancelled;
  private final AtomicReference<@Nullable Throwable> fatalError = new AtomicReference<>();
  private volatile boolean failed;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CompletableFuture<GraphResult> result = new CompletableFuture<>();
  private volatile RunState state = RunState.RUNNING;
  private volatile @Nullable Throwable cause;
  private final long startNanos = System.nanoTime();
  private final Instant startedAt = Instant.now();

  private final ConcurrentLinkedQueue<TaskFailure> failures = new ConcurrentLinkedQueue<>();
  private final AtomicLong failureCount = new AtomicLong();
  private final ConcurrentLinkedQueue<InputFailure> inputFailures = new ConcurrentLinkedQueue<>();

  private final boolean keepOpen;
  private final ReentrantReadWriteLock injectLock = new ReentrantReadWriteLock();

  private final ReentrantLock lazyLock = new ReentrantLock();
  private volatile @Nullable ExecutorService timedExecutor;
  private final Set<RetryTicket> retryTickets = ConcurrentHashMap.newKeySet();
  private final Thread supervisor;

  /** A scheduled retry, so that cancellation can find and record it. Identity, never equals. */
  private static final class RetryTicket {
    final StageRuntime stage;
    final Envelope attempt;

    RetryTicket(StageRuntime stage, Envelope attempt) {
      this.stage = stage;
      this.attempt = attempt;
    }
  }

  RunEngine(RunSpec spec) {
    if (reserve == null || callerReserve == null) {
      try {
        reserve = new byte[RESERVE_BYTES]; // an earlier run spent them
        callerReserve = new byte[CALLER_RESERVE_BYTES];
      } catch (OutOfMemoryError e) {
        // Still short of memory: this run goes without.
      }
    }
    this.graph = spec.graph();
    this.layout = spec.layout();
    this.runId = UUID.randomUUID().toString();
    this.threadPrefix = "cf-" + graph.name() + "-" + RUN_NUMBERS.incrementAndGet();
    this.chunkSize = graph.chunkSize();
    this.keepOpen = spec.keepOpen();
    this.lineage = spec.lineage();
    this.keepFailures = spec.keepFailures();
    this.clock = spec.clock();
    this.results = spec.results();
    this.timer = clock.newTimer(threadPrefix + "-timer", e -> fatal(null, e));
    List<GraphListener> all = new ArrayList<>();
    // First, so that a recording sees each event before any listener's work: JFR events cost
    // nothing while no recording runs (io.celestialflow.jfr).
    all.add(JfrEvents.listener());
    all.addAll(graph.listeners());
    all.addAll(spec.listeners());
    this.listeners = List.copyOf(all);

    GraphShape shape = graph.shape();
    boolean streaming = layout == Layout.STREAMING;
    List<TaskStage<?, ?>> defs = graph.stages();
    int n = defs.size();
    this.stages = new StageRuntime[n];
    // In the serial layout a stage's whole output waits for the next stage's turn: unbounded.
    int capacity = streaming ? graph.inboxCapacity() : Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      String prefix = threadPrefix + "-" + defs.get(i).name();
      stages[i] =
          new StageRuntime(this, defs.get(i), i, shape.predecessors(i).length, capacity, prefix);
    }
    for (int i = 0; i < n; i++) {
      int[] succ = shape.successors(i);
      List<Outlet> outlets = new ArrayList<>();
      String[] edgeNames = new String[succ.length];
      for (int k = 0; k < succ.length; k++) {
        // Edges that close a cycle never block their producer: no cycle of waits can form.
        boolean blocking = streaming && !shape.closesCycle(i, succ[k]);
        outlets.add(new Outlet.ToStage(stages[succ[k]], blocking));
        edgeNames[k] = defs.get(succ[k]).name();
      }
      if (spec.collected().contains(i)) {
        Outlet.Collect c = new Outlet.Collect();
        collectors.put(i, c);
        outlets.add(c);
      }
      for (Consumer<Object> cb : spec.callbacks().getOrDefault(i, List.of())) {
        outlets.add(new Outlet.Callback(defs.get(i).name(), cb));
      }
      if (spec.streamed().contains(i)) {
        Inbox channel = new Inbox(graph.inboxCapacity());
        channels.put(i, channel);
        outlets.add(new Outlet.Channel(channel));
      }
      Observers observers = Observers.of(spec.observers(), defs.get(i), runId, clock);
      stages[i].wire(outlets.toArray(new Outlet[0]), succ.length, edgeNames, succ, observers);
      stages[i].driver = StageDriver.of(stages[i], stages[i].threadPrefix());
    }
    int f = 0;
    for (RunBuilder.Input input : spec.inputs()) {
      StageRuntime target = stages[input.stage()];
      if (ListInput.suits(input.source(), this, target, layout == Layout.STREAMING)) {
        ListInput list = new ListInput(this, target, (List<?>) input.source(), f);
        target.intake.readsFrom(list);
        readers.add(list);
      } else {
        Feeder feeder =
            new Feeder(
                this, target, input.source(), f, threadPrefix + "-feed-" + target.name() + "-" + f);
        readers.add(feeder);
        ticking.add(feeder);
      }
      f++;
    }
    this.supervisor = newThread(threadPrefix + "-supervisor", this::supervise);
    if (keepOpen) {
      for (StageRuntime s : stages) {
        s.holdInputs();
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
    for (InputReader f : readers) {
      f.start();
    }
    started = true;
    startTicks();
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

  /** Every {@link #TICK_NANOS}: lingering chunks, stuck workers, deadlines. */
  private void tick() {
    long now = clock.nanoTime();
    for (Ticking t : ticking) {
      t.tick(now);
    }
  }

  /** Adds something to tick; the first one (once the run has started) starts the ticks. */
  void registerTicking(Ticking t) {
    ticking.add(t);
    if (started) {
      startTicks();
    }
  }

  /**
   * Starts the periodic tick once there is something to tick: a run with nothing lingering, no
   * deadline and no retry never wakes the timer (nor starts its thread).
   */
  private void startTicks() {
    if (!ticking.isEmpty() && ticks.compareAndSet(false, true)) {
      timer.every(TICK_NANOS, this::tick);
    }
  }

  // ---------------------------------------------------------------- threads

  /**
   * A platform daemon thread of this run: it knows it is one, and an error escaping it is fatal.
   */
  Thread newThread(String name, Runnable body) {
    return Thread.ofPlatform().name(name).daemon(true).unstarted(owned(body));
  }

  /** An executor starting one virtual thread of this run per task. */
  ExecutorService newVirtualExecutor(String namePrefix) {
    ThreadFactory virtual = Thread.ofVirtual().name(namePrefix, 0).factory();
    return Executors.newThreadPerTaskExecutor(r -> virtual.newThread(owned(r)));
  }

  private Runnable owned(Runnable body) {
    return () -> {
      OWNER.set(this);
      try {
        body.run();
      } catch (Throwable t) {
        try {
          fatal(null, t);
        } catch (Throwable again) {
          emergencyStop(t);
        }
      } finally {
        OWNER.remove();
      }
    };
  }

  /** Whether the calling thread is one of this run's. */
  boolean onOwnThread() {
    return OWNER.get() == this;
  }

  ExecutorService timedExecutor() {
    ExecutorService e = timedExecutor;
    if (e == null) {
      lazyLock.lock();
      try {
        e = timedExecutor;
        if (e == null) {
          e = newVirtualExecutor(threadPrefix + "-timed-");
          timedExecutor = e;
        }
      } finally {
        lazyLock.unlock();
      }
    }
    return e;
  }

  // ---------------------------------------------------------------- accounting

  boolean isCancelled() {
    return cancelled;
  }

  /** Whether an error ended the run (then it keeps no task lists). */
  boolean isFailed() {
    return failed;
  }

  boolean tracksLineage() {
    return lineage;
  }

  EngineClock clock() {
    return clock;
  }

  int chunkSize() {
    return chunkSize;
  }

  /** Reserves {@code n} task ids; returns the first. Ids start at 1. */
  long reserveTaskIds(int n) {
    return taskIds.getAndAdd(n) + 1;
  }

  void addOutstanding(long n) {
    outstanding.addAndGet(n);
  }

  void releaseOutstanding(long n) {
    long left = outstanding.addAndGet(-n);
    if (left == 0) {
      quiesce();
    } else if (left < 0) {
      fatal(null, new IllegalStateException("outstanding task count went negative: " + left));
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
      } catch (RuntimeException e) {
        log.warn("listener {} of graph '{}' threw; ignored", l, graph.name(), e);
      }
    }
  }

  /**
   * An error escaped one of the run's threads, or a task's function threw one that means the JVM is
   * in trouble: the run ends now with that cause. The first steps allocate nothing, so that an
   * {@link OutOfMemoryError} cannot stop the run from learning that it must end.
   */
  void fatal(@Nullable StageRuntime stage, Throwable error) {
    reserve = null; // first of all: room to work in, if memory is what ran out
    if (!fatalError.compareAndSet(null, error)) {
      return;
    }
    emergencyStop(error);
    try {
      for (Outlet.Collect c : collectors.values()) {
        c.chunks().clear(); // the likeliest heap hog; nobody will read it now
      }
      for (StageRuntime s : stages) {
        s.releaseGate();
        s.inbox.close();
        s.recordUnfinished(s.inbox.discard()); // the serial layout's whole outputs, say
      }
      log.error(
          "run {} of graph '{}' failed{}; stopping it",
          runId,
          graph.name(),
          stage == null ? "" : " at stage '" + stage.name() + "'",
          error);
    } catch (Throwable ignored) {
      // Out of memory still: the supervisor finishes the job.
    }
  }

  /** The allocation-free part of ending a run: flags, and the supervisor's wake-up. */
  private void emergencyStop(Throwable error) {
    reserve = null;
    if (fatalError.get() == null) {
      fatalError.set(error);
    }
    failed = true;
    cancelled = true;
    if (phase.compareAndSet(RUNNING, CANCELLING)) {
      cause = error;
    }
    stopSignal.countDown();
  }

  private void closeInboxes() {
    for (StageRuntime s : stages) {
      s.releaseGate();
      s.inbox.close();
    }
  }

  // ---------------------------------------------------------------- retries

  void scheduleRetry(StageRuntime stage, Envelope attempt, Duration delay) {
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
    boolean scheduled =
        timer.schedule(
            () -> {
              if (retryTickets.remove(ticket)) {
                stage.retryDue(attempt);
              }
            },
            delay.toNanos());
    if (!scheduled && retryTickets.remove(ticket)) {
      // The run stopped between the check above and now: the retry will never run.
      stage.retryDropped(attempt);
    }
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
    List<InputProgress> inputs = new ArrayList<>(readers.size());
    for (InputReader f : readers) {
      inputs.add(f.progress());
    }
    return new GraphStatus(
        runId, graph.name(), state, Duration.ofNanos(now - startNanos), list, inputs);
  }

  @Override
  public CompletableFuture<GraphResult> result() {
    return result.copy();
  }

  @Override
  public GraphResult await() {
    if (onOwnThread()) {
      throw new GraphStateException(
          "await() was called on run "
              + runId
              + " of graph '"
              + graph.name()
              + "' from one of its own threads (a listener or a stage function): the run cannot"
              + " end while that thread waits; use result() or a RunFinished listener instead");
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      cancel(e);
      awaitStopped(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
      Thread.currentThread().interrupt();
    }
    if (fatalError.get() != null) {
      callerReserve = null; // room for the caller's last steps, if memory is what ran out
    }
    joinSupervisor();
    Throwable error = fatalError.get();
    if (error != null) {
      throw failure(error);
    }
    return result.join();
  }

  private CelestialFlowException failure(Throwable error) {
    return new CelestialFlowException(
        "run " + runId + " of graph '" + graph.name() + "' failed: " + error, error);
  }

  /** Waits for the supervisor's last steps (bounded: it only returns from its finally block). */
  private void joinSupervisor() {
    boolean interrupted = false;
    while (true) {
      try {
        supervisor.join(Duration.ofSeconds(STOP_TIMEOUT_SECONDS));
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
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
    if (!keepOpen) {
      throw new GraphStateException(
          "run of graph '"
              + graph.name()
              + "' does not accept injected tasks; start it with keepOpen()");
    }
    Object item = lineage ? Envelope.tracked(task, reserveTaskIds(1), 0) : task;
    Observers entering = lineage ? stage.entryObservers() : null;
    if (entering != null) {
      entering.entered(item, null, -1);
    }
    injectLock.readLock().lock();
    try {
      if (cancelled) {
        throw new GraphStateException(
            "run " + runId + " of graph '" + graph.name() + "' was cancelled; task not accepted");
      }
      if (!stage.inputsOpen()) {
        throw new GraphStateException(
            "run of graph '"
                + graph.name()
                + "' no longer accepts tasks for stage '"
                + stage.name()
                + "': its inputs were closed");
      }
      // Like an input source, wait for room; not on the run's own threads, where it could deadlock.
      stage.accept(Chunk.of(item), !onOwnThread());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GraphStateException(
          "interrupted while waiting for room in stage '"
              + stage.name()
              + "'; task recorded as"
              + " unfinished");
    } finally {
      injectLock.readLock().unlock();
    }
  }

  @Override
  public void closeInputs(String stageName) {
    StageRuntime stage = stages[graph.indexOf(stageName)];
    injectLock.writeLock().lock();
    try {
      stage.closeInputs();
    } finally {
      injectLock.writeLock().unlock();
    }
  }

  @Override
  public void closeInputs() {
    injectLock.writeLock().lock();
    try {
      for (StageRuntime s : stages) {
        s.closeInputs();
      }
    } finally {
      injectLock.writeLock().unlock();
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
    return (Stream<O>) OutputChannel.stream(channel, graph.name());
  }

  @Override
  public void cancel() {
    cancel(null);
  }

  void cancel(@Nullable Throwable why) {
    if (phase.compareAndSet(RUNNING, CANCELLING)) {
      cause = why;
      cancelled = true;
      stopSignal.countDown();
      closeInboxes();
    }
  }

  @Override
  public void close() {
    cancel();
    if (!onOwnThread()) {
      awaitStopped(STOP_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
    }
  }

  void awaitStopped(long timeout, TimeUnit unit) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + Math.min(unit.toNanos(timeout), Long.MAX_VALUE / 4);
    while (true) {
      try {
        if (!stopped.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          log.warn("run of graph '{}' did not stop within {} {}", graph.name(), timeout, unit);
        } else if (!onOwnThread()) {
          supervisor.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
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
    } catch (Throwable e) {
      fatal(null, e);
      try {
        r = buildResult(true);
        state = r.state();
      } catch (Throwable again) {
        r = null;
      }
    } finally {
      try {
        graph.unregister(this);
        if (r != null) {
          fire(new RunFinished(runId, graph.name(), Instant.now(), r));
        }
        Throwable error = fatalError.get();
        if (error != null) {
          result.completeExceptionally(failure(error));
        } else if (r != null) {
          result.complete(r);
        } else {
          result.completeExceptionally(new IllegalStateException("run ended without a result"));
        }
      } finally {
        stopped.countDown();
      }
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
    closeInboxes();
    if (wasCancelled) {
      for (InputReader f : readers) {
        f.interrupt();
      }
      for (StageRuntime s : stages) {
        requireDriver(s).cancel();
      }
      for (RetryTicket t : List.copyOf(retryTickets)) {
        if (retryTickets.remove(t)) {
          t.stage.retryDropped(t.attempt);
        }
      }
    }
    ExecutorService timed = timedExecutor;
    if (timed != null) {
      timed.shutdownNow();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_TIMEOUT_SECONDS);
    try {
      for (InputReader f : readers) {
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
        if (failed) {
          s.recordUnfinished(s.inbox.discard()); // counted, not kept: memory may be short
        } else {
          for (Object item : s.inbox.drain()) {
            s.recordUnfinished(item);
          }
        }
      }
    }
    for (Inbox channel : channels.values()) {
      channel.close();
    }
    try {
      // Once the run's result is out, none of its threads is left: the timer's included.
      if (!timer.stop(TimeUnit.SECONDS.toNanos(STOP_TIMEOUT_SECONDS))) {
        log.warn("the timer of graph '{}' did not stop in time", graph.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private GraphResult buildResult(boolean wasCancelled) {
    long now = System.nanoTime();
    Map<String, List<Object>> outputs = new LinkedHashMap<>();
    Map<String, StageStats> stats = new LinkedHashMap<>();
    Map<String, List<Object>> unfinished = new LinkedHashMap<>();
    if (!failed) {
      for (Map.Entry<Integer, Outlet.Collect> e : collectors.entrySet()) {
        outputs.put(stages[e.getKey()].name(), e.getValue().toList());
      }
    }
    for (StageRuntime s : stages) {
      stats.put(s.name(), s.stats(now));
      if (!s.unfinishedTasks().isEmpty()) {
        unfinished.put(s.name(), List.copyOf(s.unfinishedTasks()));
      }
    }
    List<InputProgress> inputs = new ArrayList<>(readers.size());
    for (InputReader f : readers) {
      inputs.add(f.progress());
    }
    RunState end =
        failed ? RunState.FAILED : wasCancelled ? RunState.CANCELLED : RunState.COMPLETED;
    return new GraphResult(
        runId,
        graph,
        end,
        startedAt,
        Duration.ofNanos(now - startNanos),
        outputs,
        List.copyOf(failures),
        failureCount.get(),
        List.copyOf(inputFailures),
        inputs,
        stats,
        unfinished,
        results == null || failed ? Map.of() : results.results(),
        failed ? fatalError.get() : cause);
  }

  @Override
  public String toString() {
    return "GraphRun[" + graph.name() + " " + runId + ", " + state + "]";
  }
}

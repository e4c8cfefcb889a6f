package io.celestialflow.store;

import io.celestialflow.GraphListener;
import io.celestialflow.GraphResult;
import io.celestialflow.InputProgress;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.event.RunEvent;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.event.TaskFailed;
import io.celestialflow.spi.SettledTasks;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskOutcome;
import io.celestialflow.spi.TaskRef;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Records one run: listens to its events (start, failures, end) and, when lineage is on, observes
 * its tasks, and hands everything to the store's writer. Nothing here does I/O on an engine thread:
 * each call builds one small entry and queues it, or — a lineage event — appends a record to a
 * buffer ({@link LineageBuffers}) that is queued as one entry when full. At the end of the run it
 * queues the unfinished tasks, the input positions and the final counters, then waits until the
 * writer has committed them, so that once the run's result is available the store holds everything
 * about it.
 */
final class RunRecorder implements GraphListener, TaskObserver {
  /** How long the end of a run waits for the writer to commit its records. */
  static final Duration END_FLUSH_TIMEOUT = Duration.ofSeconds(60);

  private final StoreWriter writer;
  private final TaskGraph graph;
  private final RecordOptions options;
  private final Origin origin;
  private final Map<String, Type> declared = new HashMap<>();
  private final ReentrantLock startLock = new ReentrantLock();
  private final LongAdder dropped = new LongAdder();
  private volatile boolean started;
  private @Nullable LineageBuffers lineage; // set before started, when lineage is on

  RunRecorder(StoreWriter writer, TaskGraph graph, RecordOptions options, Origin origin) {
    this.writer = writer;
    this.graph = graph;
    this.options = options;
    this.origin = origin;
    for (TaskStage<?, ?> s : graph.stages()) {
      s.taskType().ifPresent(t -> declared.put(s.name(), t));
    }
  }

  @Override
  public void onEvent(RunEvent event) {
    switch (event) {
      case RunStarted s -> {
        ensureStarted(s.runId(), s.time().toEpochMilli(), s.run().status().inputs());
        if (!options.statsInterval().isZero()) {
          writer.sample(s.runId(), s.run(), options.statsInterval());
        }
      }
      case TaskFailed f -> {
        ensureStarted(f.runId(), f.time().toEpochMilli());
        // The throw-site key walks the exception's frames: done here, on the engine thread that
        // failed, so the one writer thread only looks it up (and renders a trace once per key).
        f.failure().traceKey();
        offer(new Entry.Failure(f.runId(), f.failure(), declared.get(f.failure().stage())));
      }
      case RunFinished end -> finish(end.runId(), end.result());
      default -> {}
    }
  }

  private void offer(Entry e) {
    if (!writer.offer(e)) {
      dropped.increment();
    }
  }

  private void ensureStarted(String runId, long at) {
    ensureStarted(runId, at, List.of());
  }

  /**
   * Queues the run's start once; {@code inputs}: its input sources, if known (only a run's first
   * event, {@link RunStarted}, knows them).
   */
  private void ensureStarted(String runId, long at, List<InputProgress> inputs) {
    if (started) {
      return;
    }
    startLock.lock();
    try {
      if (!started) {
        long startedAt = Math.min(at, System.currentTimeMillis());
        UserInputs given = userInputs(inputs);
        if (!writer.put(
            new Entry.RunStart(
                runId,
                graph.name(),
                GraphShape.structureJson(graph),
                GraphShape.stageTypesJson(graph),
                origin.runId(),
                origin.kind(),
                startedAt,
                options.journal(),
                given.inputs(),
                given.starts()))) {
          dropped.increment();
        }
        if (options.lineage()) {
          LineageClock.acquire(); // released at the end of the run
          lineage =
              new LineageBuffers(
                  runId, graph.stages().stream().map(TaskStage::name).toList(), writer::offer);
        }
        started = true;
      }
    } finally {
      startLock.unlock();
    }
  }

  /**
   * The inputs the caller gave (not the stored tasks a resumed run loaded), and how much of each
   * source earlier runs had read (its start).
   */
  private record UserInputs(List<InputProgress> inputs, List<Long> starts) {}

  private UserInputs userInputs(List<InputProgress> all) {
    List<InputProgress> inputs = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    for (InputProgress in : all) {
      if (origin.isUserSource(in.source())) {
        inputs.add(in);
        starts.add(origin.start(in.source()));
      }
    }
    return new UserInputs(inputs, starts);
  }

  private void finish(String runId, GraphResult result) {
    ensureStarted(runId, result.startedAt().toEpochMilli());
    long unfinished = 0;
    for (Map.Entry<String, List<Object>> e : result.unfinished().entrySet()) {
      Type type = declared.get(e.getKey());
      for (Object task : e.getValue()) {
        put(new Entry.Unfinished(runId, e.getKey(), task, type));
        unfinished++;
      }
    }
    UserInputs given = userInputs(result.inputs());
    for (InputProgress in : result.inputs()) {
      if (!origin.isUserSource(in.source())) {
        unfinished += carryOver(runId, in);
      }
    }
    LineageBuffers buffers = lineage;
    if (buffers != null) {
      dropped.add(buffers.drain());
      put(new Entry.LineageEnd(runId)); // the writer indexes the log before the flush below
      LineageClock.release();
    }
    put(new Entry.Stats(runId, System.currentTimeMillis(), result.stats()));
    @Nullable String note = result.cause().map(Throwable::toString).orElse(null);
    put(
        new Entry.RunEnd(
            runId,
            System.currentTimeMillis(),
            result.state().name(),
            result.failureCount(),
            unfinished,
            dropped.sum(),
            result.stats(),
            given.inputs(),
            given.starts(),
            note));
    writer.flush(runId, END_FLUSH_TIMEOUT);
  }

  /** Queues the stored tasks a resumed run loaded but did not read. */
  private long carryOver(String runId, InputProgress in) {
    int index = in.source() - origin.userSources();
    if (index < 0 || index >= origin.loaded().size()) {
      return 0;
    }
    List<StoredTask> tasks = origin.loaded().get(index);
    long n = 0;
    for (int i = (int) Math.min(in.read(), tasks.size()); i < tasks.size(); i++) {
      put(new Entry.CarriedOver(runId, tasks.get(i)));
      n++;
    }
    return n;
  }

  private void put(Entry e) {
    if (!writer.put(e)) {
      dropped.increment();
    }
  }

  // ---------------------------------------------------------------- lineage

  @Override
  public boolean observes(TaskStage<?, ?> stage) {
    return options.lineage() || options.journal() || wantsResults(stage);
  }

  // ---------------------------------------------------------------- success pairs

  /** Lineage, the journal and results use no task times: no clock is read per task for them. */
  @Override
  public boolean wantsTimes(TaskStage<?, ?> stage) {
    return false;
  }

  @Override
  public boolean wantsResults(TaskStage<?, ?> stage) {
    return options.results().contains(stage.name());
  }

  @Override
  public void result(TaskRef task, List<?> outputs) {
    ensureStarted(task.runId(), System.currentTimeMillis());
    offer(
        new Entry.Result(
            task.runId(),
            task.stage(),
            task.id(),
            task.task(),
            outputs,
            declared.get(task.stage())));
  }

  // ---------------------------------------------------------------- journal

  /**
   * With the journal, a task's function runs only once its journal records are committed
   * (write-ahead): whatever it does, the journal knows the task entered its stage, so a crash can
   * repeat at most the tasks that had started and were not yet settled in the journal.
   */
  @Override
  public void started(TaskRef task) {
    if (options.journal() && task.id() != 0) {
      Map<Long, Long> waiting = entries.get(task.stage());
      Long seq = waiting == null ? null : waiting.remove(task.id());
      if (seq != null) {
        writer.awaitDone(seq); // mostly committed already, while the task waited in the inbox
      }
    }
  }

  /** Per stage: the hand-over place of each journaled task's entry not yet started. */
  private final Map<String, Map<Long, Long>> entries =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public void entered(TaskRef task, @Nullable String from, int source) {
    if (!options.journal() || task.id() == 0) {
      return;
    }
    ensureStarted(task.runId(), System.currentTimeMillis());
    long seq =
        writer.offerCounted(
            new Entry.Entered(
                task.runId(),
                task.stage(),
                task.id(),
                task.parentId(),
                from,
                source,
                task.task(),
                declared.get(task.stage())));
    if (seq == 0) {
      dropped.increment();
    } else {
      entries
          .computeIfAbsent(task.stage(), k -> new java.util.concurrent.ConcurrentHashMap<>())
          .put(task.id(), seq);
    }
  }

  /**
   * This recorder as an observer that does not override {@link TaskObserver#entered}, for runs
   * without the journal: then the engine does not report every task entering a stage.
   */
  TaskObserver withoutEntries() {
    RunRecorder self = this;
    return new TaskObserver() {
      @Override
      public boolean observes(TaskStage<?, ?> stage) {
        return self.observes(stage);
      }

      @Override
      public void succeeded(TaskRef task, long elapsedNanos) {
        self.succeeded(task, elapsedNanos);
      }

      @Override
      public void failed(TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {
        self.failed(task, error, elapsedNanos, willRetry);
      }

      @Override
      public void duplicate(TaskRef task) {
        self.duplicate(task);
      }

      @Override
      public boolean wantsTimes(TaskStage<?, ?> stage) {
        return self.wantsTimes(stage);
      }

      @Override
      public boolean wantsResults(TaskStage<?, ?> stage) {
        return self.wantsResults(stage);
      }

      @Override
      public boolean identityOnly(TaskStage<?, ?> stage) {
        return self.identityOnly(stage);
      }

      @Override
      public void settled(SettledTasks tasks) {
        self.settled(tasks);
      }

      @Override
      public void result(TaskRef task, List<?> outputs) {
        self.result(task, outputs);
      }

      @Override
      public String toString() {
        return self.toString();
      }
    };
  }

  private void settled(TaskRef task, boolean succeeded) {
    if (options.journal() && task.id() != 0) {
      Map<Long, Long> waiting = entries.get(task.stage());
      if (waiting != null) {
        waiting.remove(task.id()); // a duplicate settles without starting
      }
      offer(new Entry.Settled(task.runId(), task.stage(), task.id(), succeeded));
    }
  }

  @Override
  public void succeeded(TaskRef task, long elapsedNanos) {
    settled(task, true);
    lineage(task, TaskOutcome.SUCCEEDED);
  }

  @Override
  public void failed(TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {
    if (!willRetry) {
      settled(task, false);
    }
    lineage(task, willRetry ? TaskOutcome.RETRIED : TaskOutcome.FAILED);
  }

  @Override
  public void duplicate(TaskRef task) {
    settled(task, false);
    lineage(task, TaskOutcome.DUPLICATE);
  }

  /**
   * Without the journal only lineage needs the tasks, and only their ids: the engine then makes no
   * object per task for this recorder ({@link #settled(SettledTasks)}).
   */
  @Override
  public boolean identityOnly(TaskStage<?, ?> stage) {
    return !options.journal();
  }

  /** A worker's batch: one clock read and one lock for all of it. */
  @Override
  public void settled(SettledTasks tasks) {
    if (!options.lineage()) {
      return;
    }
    long now = LineageClock.now();
    ensureStarted(tasks.runId(), now);
    LineageBuffers buffers = lineage;
    long lost = buffers == null ? tasks.size() : buffers.addAll(tasks, now);
    if (lost != 0) {
      dropped.add(lost); // blocks the writer did not take, or a stage not in the graph
    }
  }

  /** An attempt the engine reported alone: recorded as a batch of one. */
  private void lineage(TaskRef task, TaskOutcome outcome) {
    if (options.lineage() && task.id() != 0) { // else the run does not track identity
      settled(
          new LineageBuffers.OneAttempt(
              task.runId(), task.stage(), task.id(), task.parentId(), task.attempt(), outcome));
    }
  }

  @Override
  public String toString() {
    return "RunRecorder[" + graph.name() + "]";
  }
}

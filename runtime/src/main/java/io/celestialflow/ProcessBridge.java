package io.celestialflow;

import io.celestialflow.internal.BackendDriver;
import io.celestialflow.internal.ProcessBackend;
import io.celestialflow.internal.ProcessPlan;
import io.celestialflow.internal.ProcessSettings;
import io.celestialflow.internal.StagePort;
import io.celestialflow.internal.TaskBatch;
import io.celestialflow.internal.TaskPort;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@link ExecutionMode#PROCESS}: the engine's side of the seam to the PROCESS backend, which lives
 * in another package and is found with {@link ServiceLoader}, so that this package never names its
 * classes. The backend checks a stage's worker settings when the stage is built ({@link #plan}) and
 * drives the stage during a run; it sees the stage through a {@link StagePort} and each of its
 * threads sees the per-task core through a {@link TaskPort}, both implemented here over the same
 * {@link StageRuntime}, {@link TaskCore} and {@link WorkerContext} every other driver uses.
 */
final class ProcessBridge implements StageDriver {
  private final BackendDriver driver;

  ProcessBridge(StageRuntime stage, int workers, String threadPrefix) {
    ProcessPlan plan = stage.stage().process();
    if (plan == null) {
      throw new IllegalStateException("stage '" + stage.name() + "' is not a PROCESS stage");
    }
    this.driver = backend().driver(plan, new Port(stage), workers, threadPrefix);
  }

  /**
   * Checks a PROCESS stage's settings with the backend, when the stage is built.
   *
   * @throws GraphDefinitionException if they cannot work
   */
  static ProcessPlan plan(ProcessSettings settings) {
    return backend().plan(settings);
  }

  private static ProcessBackend backend() {
    ProcessBackend b = Loaded.BACKEND;
    if (b == null) {
      throw new IllegalStateException(
          "no "
              + ProcessBackend.class.getName()
              + " found: the runtime's META-INF/services entry (or its module-info provides"
              + " clause) is missing; was the celestialflow-runtime jar repackaged?");
    }
    return b;
  }

  /** The backend, looked up once, when the first PROCESS stage is built. */
  private static final class Loaded {
    static final @Nullable ProcessBackend BACKEND =
        ServiceLoader.load(ProcessBackend.class, ProcessBridge.class.getClassLoader())
            .findFirst()
            .orElse(null);
  }

  @Override
  public void start() {
    driver.start();
  }

  @Override
  public void cancel() {
    driver.cancel();
  }

  @Override
  public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
    return driver.join(timeout, unit);
  }

  @Override
  public int running() {
    return driver.running();
  }

  /** The stage during one run, as the backend's driver sees it. */
  private static final class Port implements StagePort {
    private final StageRuntime stage;

    Port(StageRuntime stage) {
      this.stage = stage;
    }

    @Override
    public String name() {
      return stage.name();
    }

    @Override
    public StageKind kind() {
      return stage.stage().kind();
    }

    @Override
    public Optional<Duration> timeout() {
      return stage.stage().timeout();
    }

    @Override
    public int chunkSize() {
      return stage.chunkSize();
    }

    @Override
    public Thread newThread(String name, Runnable body) {
      return stage.run().newThread(name, body);
    }

    @Override
    public void awaitGate() throws InterruptedException {
      stage.awaitGate();
    }

    @Override
    public @Nullable TaskBatch claim(int consumers, int max) throws InterruptedException {
      Chunk chunk = stage.intake.next(consumers, max);
      if (chunk != null) {
        stage.claimed.add(chunk.size());
      }
      return chunk;
    }

    @Override
    public void requeue(List<Object> items) {
      if (items.isEmpty()) {
        return;
      }
      Object[] again = new Object[items.size()];
      for (int i = 0; i < again.length; i++) {
        again[i] = Envelope.rerun(items.get(i)); // past the duplicate check, same attempt
      }
      stage.claimed.add(-again.length); // before they can be taken and finished elsewhere
      Chunk chunk = new Chunk(again, 0, again.length);
      boolean requeued;
      try {
        requeued = stage.inbox.put(chunk, false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // a non-blocking put does not wait
        requeued = false;
      }
      if (!requeued) {
        stage.recordUnfinished(chunk);
      }
    }

    @Override
    public boolean isCancelled() {
      return stage.run().isCancelled();
    }

    @Override
    public void fatal(Throwable error) {
      stage.run().fatal(stage, error);
    }

    @Override
    public TaskPort newTaskPort(int bufferCapacity) {
      return new Tasks(stage.core(), new WorkerContext(stage, bufferCapacity));
    }
  }

  /** One driver thread's per-task core: the stage's {@link TaskCore} with a context of its own. */
  private static final class Tasks implements TaskPort {
    private final TaskCore core;
    private final WorkerContext ctx;

    Tasks(TaskCore core, WorkerContext ctx) {
      this.core = core;
      this.ctx = ctx;
    }

    @Override
    public @Nullable Object admit(Object item) {
      return core.admit(item, ctx);
    }

    @Override
    public @Nullable Observation observe(Object item, Object task) {
      return core.observe(item, task);
    }

    @Override
    public boolean succeed(Object item, @Nullable Object result, @Nullable Observation obs) {
      return core.succeed(item, result, (Observers.@Nullable Observation) obs, ctx);
    }

    @Override
    public boolean fail(Object item, Throwable error, @Nullable Observation obs) {
      return core.fail(item, error, (Observers.@Nullable Observation) obs, ctx);
    }

    @Override
    public void abandon(Object item) {
      core.abandon(item, ctx);
    }

    @Override
    public void flushIfFull() throws InterruptedException {
      ctx.flushIfFull();
    }

    @Override
    public void flushAll() throws InterruptedException {
      ctx.flushAll();
    }

    @Override
    public boolean hasBuffered() {
      return ctx.hasBuffered();
    }

    @Override
    public void abandonAll() {
      ctx.abandonAll();
    }

    @Override
    public void settle() {
      ctx.settle();
    }
  }
}

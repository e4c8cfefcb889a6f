package io.celestialflow;

import io.celestialflow.internal.TaskPort;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskOutcome;
import io.celestialflow.spi.TaskRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskObserver}s that watch one stage during one run, and the calls the per-task core
 * makes to them. A stage no observer watches has none of these, so it pays nothing per task; one
 * whose observers all want {@linkplain TaskObserver#identityOnly identities only} and no times
 * makes no object per task.
 */
final class Observers {
  private static final Logger log = LoggerFactory.getLogger(Observers.class);

  private final TaskObserver[] observers;

  /** Per observer, whether it wants identities only ({@link TaskObserver#settled}). */
  private final boolean[] compact;

  /** Whether some observer takes {@link TaskRef}s for started, succeeded, failed and duplicate. */
  private final boolean refs;

  /** Whether some observer wants identities only: attempts are then settled in batches. */
  private final boolean batched;

  private final AtomicBoolean[] complained;
  private final String runId;
  private final String stage;
  private final EngineClock clock;

  /**
   * One observed task: what observers were told it is (null when no observer takes a {@link
   * TaskRef}), and when it started. A backend outside this package holds it as an opaque {@link
   * TaskPort.Observation}.
   */
  record Observation(@Nullable TaskRef ref, long startNanos) implements TaskPort.Observation {}

  /** The observation of every task of a stage that needs neither a reference nor a time. */
  private static final Observation BARE = new Observation(null, 0);

  /** The indexes of the observers that want this stage's results, or null if none does. */
  private final int @Nullable [] resulting;

  /** Whether an observer uses task times: if none does, no clock is read per task. */
  private final boolean timed;

  private Observers(
      TaskObserver[] observers,
      boolean[] compact,
      int @Nullable [] resulting,
      boolean timed,
      String runId,
      String stage,
      EngineClock clock) {
    this.observers = observers;
    this.compact = compact;
    boolean anyRefs = false;
    boolean anyCompact = false;
    for (boolean c : compact) {
      anyRefs |= !c;
      anyCompact |= c;
    }
    this.refs = anyRefs;
    this.batched = anyCompact;
    this.resulting = resulting;
    this.timed = timed;
    this.complained = new AtomicBoolean[observers.length];
    for (int i = 0; i < observers.length; i++) {
      complained[i] = new AtomicBoolean();
    }
    this.runId = runId;
    this.stage = stage;
    this.clock = clock;
    TaskObserver[] e =
        java.util.Arrays.stream(observers)
            .filter(Observers::overridesEntered)
            .toArray(TaskObserver[]::new);
    this.entering = e.length == 0 ? null : e;
  }

  /** The observers that want this stage's tasks, or null if none does. */
  static @Nullable Observers of(
      List<TaskObserver> all, TaskStage<?, ?> stage, String runId, EngineClock clock) {
    List<TaskObserver> watching = new ArrayList<>();
    for (TaskObserver o : all) {
      try {
        if (o.observes(stage)) {
          watching.add(o);
        }
      } catch (RuntimeException e) {
        log.warn("observer {} threw in observes({}); it will not see that stage", o, stage, e);
      }
    }
    if (watching.isEmpty()) {
      return null;
    }
    int[] resulting = new int[watching.size()];
    boolean[] compact = new boolean[watching.size()];
    int n = 0;
    boolean timed = false;
    for (int i = 0; i < watching.size(); i++) {
      TaskObserver o = watching.get(i);
      try {
        if (o.wantsResults(stage)) {
          resulting[n++] = i;
        }
      } catch (RuntimeException e) {
        log.warn("observer {} threw in wantsResults({}); it gets no results", o, stage, e);
      }
      try {
        compact[i] = o.identityOnly(stage);
      } catch (RuntimeException e) {
        log.warn("observer {} threw in identityOnly({}); it gets task references", o, stage, e);
      }
      if (compact[i]) {
        continue; // settled() has no times
      }
      try {
        timed |= o.wantsTimes(stage);
      } catch (RuntimeException e) {
        log.warn("observer {} threw in wantsTimes({}); its tasks are timed", o, stage, e);
        timed = true;
      }
    }
    return new Observers(
        watching.toArray(new TaskObserver[0]),
        compact,
        n == 0 ? null : Arrays.copyOf(resulting, n),
        timed,
        runId,
        stage.name(),
        clock);
  }

  /** Whether an observer wants the outputs of this stage's successful tasks. */
  boolean wantsResults() {
    return resulting != null;
  }

  /**
   * Whether every observer wants identities only and none wants results: then a success needs
   * nothing but {@link #succeeded} (no reference, no time, no outputs).
   */
  boolean settlesOnly() {
    return !refs && resulting == null;
  }

  String runId() {
    return runId;
  }

  String stage() {
    return stage;
  }

  /** A task succeeded with these outputs (see {@link TaskObserver#result}). */
  void result(Observation o, Object item, List<?> outputs) {
    int[] indexes = resulting;
    if (indexes == null) {
      return;
    }
    TaskRef ref = refOf(o, item);
    for (int i : indexes) {
      try {
        observers[i].result(ref, outputs);
      } catch (RuntimeException e) {
        complain(i, "result", e);
      }
    }
  }

  /**
   * The observers of this stage that override {@link TaskObserver#entered}, or null if none does
   * (then nothing is called, and no reference is made, when a task enters the stage).
   */
  private final TaskObserver @Nullable [] entering;

  private static boolean overridesEntered(TaskObserver o) {
    try {
      return o.getClass()
              .getMethod("entered", TaskRef.class, String.class, int.class)
              .getDeclaringClass()
          != TaskObserver.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** Whether an observer wants to hear of tasks entering this stage. */
  boolean watchesEntries() {
    return entering != null;
  }

  /** A task entered the stage (see {@link TaskObserver#entered}). */
  void entered(Object item, @Nullable String from, int source) {
    TaskObserver[] watching = entering;
    if (watching == null) {
      return;
    }
    TaskRef ref = ref(item, Envelope.task(item));
    for (TaskObserver o : watching) {
      try {
        o.entered(ref, from, source);
      } catch (RuntimeException e) {
        log.warn("observer {} threw in entered() at stage '{}'", o, stage, e);
      }
    }
  }

  private TaskRef ref(Object item, Object task) {
    return item instanceof Envelope e
        ? new TaskRef(runId, stage, task, e.id, e.parentId, e.attempt)
        : new TaskRef(runId, stage, task, 0, 0, 1);
  }

  /** A task starts; its observation is shared when no observer needs a reference or a time. */
  Observation started(Object item, Object task) {
    if (!refs) {
      return timed ? new Observation(null, clock.nanoTime()) : BARE;
    }
    TaskRef ref = ref(item, task);
    for (int i = 0; i < observers.length; i++) {
      if (!compact[i]) {
        try {
          observers[i].started(ref);
        } catch (RuntimeException e) {
          complain(i, "started", e);
        }
      }
    }
    return new Observation(ref, timed ? clock.nanoTime() : 0);
  }

  /**
   * The task {@code item} of observation {@code o} succeeded; {@code ctx}: the worker's context,
   * which collects the attempt for the observers that want identities only.
   */
  void succeeded(Observation o, Object item, WorkerContext ctx) {
    if (batched) {
      ctx.settled(this, item, TaskOutcome.SUCCEEDED);
    }
    if (!refs) {
      return;
    }
    long elapsed = timed ? clock.nanoTime() - o.startNanos() : 0;
    for (int i = 0; i < observers.length; i++) {
      if (!compact[i]) {
        try {
          observers[i].succeeded(refOf(o, item), elapsed);
        } catch (RuntimeException e) {
          complain(i, "succeeded", e);
        }
      }
    }
  }

  /** An attempt of the task {@code item} of observation {@code o} failed. */
  void failed(Observation o, Object item, Throwable error, boolean willRetry, WorkerContext ctx) {
    if (batched) {
      ctx.settled(this, item, willRetry ? TaskOutcome.RETRIED : TaskOutcome.FAILED);
    }
    if (!refs) {
      return;
    }
    long elapsed = timed ? clock.nanoTime() - o.startNanos() : 0;
    for (int i = 0; i < observers.length; i++) {
      if (!compact[i]) {
        try {
          observers[i].failed(refOf(o, item), error, elapsed, willRetry);
        } catch (RuntimeException e) {
          complain(i, "failed", e);
        }
      }
    }
  }

  void duplicate(Object item, Object task, WorkerContext ctx) {
    if (batched) {
      ctx.settled(this, item, TaskOutcome.DUPLICATE);
    }
    TaskRef ref = null;
    for (int i = 0; i < observers.length; i++) {
      if (!compact[i]) {
        if (ref == null) {
          ref = ref(item, task);
        }
        try {
          observers[i].duplicate(ref);
        } catch (RuntimeException e) {
          complain(i, "duplicate", e);
        }
      }
    }
  }

  /** Hands a worker's batch of settled attempts to the observers that want identities only. */
  void deliver(SettledBatch batch) {
    for (int i = 0; i < observers.length; i++) {
      if (compact[i]) {
        try {
          observers[i].settled(batch);
        } catch (RuntimeException e) {
          complain(i, "settled", e);
        }
      }
    }
  }

  /** The task's reference: the one observers were given when it started, or a new one. */
  private TaskRef refOf(Observation o, Object item) {
    TaskRef given = o.ref();
    return given != null ? given : ref(item, Envelope.task(item));
  }

  private void complain(int i, String method, RuntimeException e) {
    if (complained[i].compareAndSet(false, true)) {
      log.warn(
          "observer {} threw in {}() at stage '{}' (reported once; later throws are ignored)",
          observers[i],
          method,
          stage,
          e);
    }
  }
}

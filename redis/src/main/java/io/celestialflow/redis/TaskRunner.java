package io.celestialflow.redis;

import io.celestialflow.codec.CodecException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Runs the entries a worker fetched or claimed: holds them, hands them to the executor, decodes
 * each task, calls the stage's function and queues the result (or the dead letter of a malformed
 * task) for the {@link ResultWriter}.
 */
final class TaskRunner {
  private final WorkerState state;
  private final ExecutorService executor;
  private final @Nullable ScheduledExecutorService timers;
  private final DeadLetters deadLetters;

  TaskRunner(
      WorkerState state,
      ExecutorService executor,
      @Nullable ScheduledExecutorService timers,
      DeadLetters deadLetters) {
    this.state = state;
    this.executor = executor;
    this.timers = timers;
    this.deadLetters = deadLetters;
  }

  /**
   * Takes the entries of one read: holds them and hands them to the executor in at most {@code
   * concurrency} chunks, one executor hand-off per chunk rather than per task.
   */
  void acceptAll(ServedStage s, List<StreamEntry> entries) {
    int chunks = Math.min(state.settings.concurrency(), entries.size());
    if (chunks == 0) {
      return;
    }
    List<List<Map.Entry<HeldEntry, Map<String, String>>>> split = new ArrayList<>(chunks);
    for (int i = 0; i < chunks; i++) {
      split.add(new ArrayList<>(entries.size() / chunks + 1));
    }
    int i = 0;
    for (StreamEntry e : entries) {
      HeldEntry h = new HeldEntry(s, e.getID(), 1);
      if (state.hold(h)) {
        Map<String, String> fields = e.getFields() == null ? Map.of() : e.getFields();
        split.get(i++ % chunks).add(Map.entry(h, fields));
      }
    }
    for (List<Map.Entry<HeldEntry, Map<String, String>>> chunk : split) {
      if (chunk.isEmpty()) {
        continue;
      }
      try {
        executor.execute(() -> {
          for (Map.Entry<HeldEntry, Map<String, String>> e : chunk) {
            if (state.stopped()) {
              state.release(e.getKey()); // stays pending for another
              continue;
            }
            run(e.getKey(), e.getValue());
          }
        });
      } catch (RejectedExecutionException x) {
        for (Map.Entry<HeldEntry, Map<String, String>> e : chunk) {
          state.release(e.getKey());
        }
      }
    }
  }

  /** Takes a claimed entry: holds it and hands it to the executor. */
  void accept(ServedStage s, StreamEntry e, long delivery) {
    HeldEntry h = new HeldEntry(s, e.getID(), delivery);
    if (!state.hold(h)) {
      return; // already held (a reaper claimed an entry this worker is running)
    }
    Map<String, String> fields = e.getFields() == null ? Map.of() : e.getFields();
    try {
      executor.execute(() -> run(h, fields));
    } catch (RejectedExecutionException x) {
      state.release(h); // stopping: stays pending for another worker
    }
  }

  private void run(HeldEntry h, Map<String, String> fields) {
    ServedStage s = h.stage;
    String consumer = state.consumer();
    long started = System.currentTimeMillis();
    Wire.Task task;
    Object value;
    try {
      task = Wire.readTask(fields, state.settings.graph(), s.name());
      try {
        value = s.in.decode(Wire.text(task.payload()).getBytes(StandardCharsets.UTF_8));
      } catch (CodecException x) {
        throw new Wire.Rejection(
            Wire.BAD_PAYLOAD,
            "the payload is not a " + s.in.type().getTypeName() + ": " + x.getMessage(),
            Wire.parse(fields),
            null);
      }
    } catch (Wire.Rejection r) {
      state.finish(deadLetters.deadLetter(h, fields, r.code, r.reason(), r.message, r.raw));
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
              s.shape(),
              s.encode(output),
              consumer,
              h.delivery,
              started,
              System.currentTimeMillis());
      ok = true;
    } catch (Throwable error) {
      if (error instanceof VirtualMachineError vm && !(vm instanceof StackOverflowError)) {
        state.release(h); // not renewed any more: reclaimed after the idle time
        throw vm;
      }
      if (state.forced
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
    state.finish(
        new FinishedEntry(h, task.id(), task.reply(), result, task.ttl(), null, !ok, task.pack()));
  }

  private @Nullable TaskTimer startTimer() {
    Duration limit = state.settings.taskTimeout();
    ScheduledExecutorService scheduler = timers;
    return limit == null || scheduler == null ? null : new TaskTimer(scheduler, limit);
  }
}

package io.celestialflow.dashboard.internal;

import com.google.gson.JsonElement;
import io.celestialflow.StageStats;
import io.celestialflow.dashboard.history.FailureEntry;
import io.celestialflow.dashboard.internal.Report.Command;
import io.celestialflow.dashboard.internal.TrackedRun.Sample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A run reported from another JVM: its counters are the last report's, and commands for it wait in
 * a bounded queue until its reporter's next exchange, which carries them to the run; the reporter
 * checks injected tasks against the stage's type there and acknowledges.
 */
final class RemoteRun implements TrackedRun.Source, RunControl {
  /** Commands that may wait for a reporter. */
  static final int MAX_QUEUED = 1_000;

  /** Acknowledgements kept to show on the page. */
  static final int MAX_NOTICES = 50;

  private final long staleAfterNanos;
  private final ArrayDeque<Command> queue = new ArrayDeque<>();
  private final ArrayDeque<String> notices = new ArrayDeque<>();
  private long nextCommand;
  private volatile Sample sample;
  private volatile long seenNanos = System.nanoTime();

  RemoteRun(long staleAfterMs) {
    this.staleAfterNanos = TimeUnit.MILLISECONDS.toNanos(staleAfterMs);
    this.sample = new Sample("RUNNING", 0, List.of(), false);
  }

  void update(Report report) {
    List<StageStats> stats = new ArrayList<>(report.stages().size());
    report.stages().forEach(c -> stats.add(c.stats()));
    sample =
        new Sample(
            report.state(), report.elapsedMs(), stats, report.ended(), report.failureCount());
    seenNanos = System.nanoTime();
    List<Report.Ack> acks = report.acks();
    if (acks != null) {
      synchronized (notices) {
        for (Report.Ack a : acks) {
          notices.addLast((a.ok() ? "" : "refused: ") + a.message());
          if (notices.size() > MAX_NOTICES) {
            notices.removeFirst();
          }
        }
      }
    }
  }

  @Override
  public Sample sample() {
    Sample s = sample;
    if (!s.ended() && System.nanoTime() - seenNanos > staleAfterNanos) {
      return new Sample("LOST", s.elapsedMs(), s.stages(), false, s.failureCount());
    }
    return s;
  }

  List<String> drainNotices() {
    synchronized (notices) {
      List<String> out = new ArrayList<>(notices);
      notices.clear();
      return out;
    }
  }

  synchronized List<Command> drainCommands() {
    List<Command> out = new ArrayList<>(queue);
    queue.clear();
    return out;
  }

  private synchronized String enqueue(
      String op, @Nullable String stage, @Nullable List<JsonElement> tasks, String what) {
    if (sample.ended()) {
      throw ApiException.conflict("the run has already ended");
    }
    if (queue.size() >= MAX_QUEUED) {
      throw new ApiException(503, "too many commands waiting for the run's reporter; try later");
    }
    queue.addLast(new Command(++nextCommand, op, stage, tasks));
    return "queued: " + what + "; the run's reporter carries it out at its next report";
  }

  @Override
  public String inject(String stage, List<JsonElement> tasks) {
    return enqueue(
        "inject",
        stage,
        List.copyOf(tasks),
        tasks.size()
            + (tasks.size() == 1 ? " task" : " tasks")
            + " for stage '"
            + stage
            + "'"
            + " (checked against its type in the run's JVM)");
  }

  @Override
  public String retry(List<FailureEntry> failures) {
    int n = 0;
    for (FailureEntry f : failures) {
      String json = f.taskJson();
      if (json == null) {
        continue;
      }
      JsonElement task = com.google.gson.JsonParser.parseString(json);
      enqueue("inject", f.failure().stage(), List.of(task), "retry");
      n++;
    }
    if (n == 0) {
      throw ApiException.badRequest("none of these failures has a task that could be sent as JSON");
    }
    return "queued: " + n + " failed tasks to retry";
  }

  @Override
  public String closeInputs(@Nullable String stage) {
    return enqueue(
        "closeInputs",
        stage,
        null,
        stage == null ? "closing the run's inputs" : "closing the inputs of stage '" + stage + "'");
  }

  @Override
  public String cancel() {
    return enqueue("cancel", null, null, "cancelling the run");
  }

  @Override
  public @Nullable String taskJson(FailureEntry failure) {
    return failure.taskJson();
  }
}

package io.celestialflow.jfr;

import io.celestialflow.GraphListener;
import io.celestialflow.GraphResult;
import io.celestialflow.InputFailure;
import io.celestialflow.StageStats;
import io.celestialflow.TaskFailure;
import io.celestialflow.event.InputFailed;
import io.celestialflow.event.RunEvent;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.event.StageFinished;
import io.celestialflow.event.StageStarted;
import io.celestialflow.event.TaskFailed;
import io.celestialflow.event.TaskRetried;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One run's listener: begins the run's and each stage's duration event when they start, commits
 * them when they end, and commits an instant event for each failure, retry and input failure — each
 * only if a recording wants it.
 */
final class JfrRecorder implements GraphListener {
  private volatile @Nullable RunJfrEvent run;
  private volatile String layout = "";
  private final Map<String, StageJfrEvent> stages = new ConcurrentHashMap<>();

  @Override
  public void onEvent(RunEvent event) {
    switch (event) {
      case RunStarted s -> {
        RunJfrEvent e = new RunJfrEvent();
        e.begin();
        layout = s.run().layout().name();
        run = e;
      }
      case StageStarted s -> {
        StageJfrEvent e = new StageJfrEvent();
        e.begin();
        stages.put(s.stage(), e);
      }
      case StageFinished f -> {
        StageJfrEvent e = stages.remove(f.stats().stage());
        commit(e == null ? begun() : e, f.runId(), f.graph(), f.stats());
      }
      case TaskFailed f -> failed(f);
      case TaskRetried r -> retried(r);
      case InputFailed f -> inputFailed(f);
      case RunFinished f -> finished(f);
    }
  }

  private static StageJfrEvent begun() {
    StageJfrEvent e = new StageJfrEvent();
    e.begin();
    return e;
  }

  private static void commit(StageJfrEvent e, String runId, String graph, StageStats stats) {
    e.end();
    if (e.shouldCommit()) {
      e.runId = runId;
      e.graph = graph;
      e.stage = stats.stage();
      e.mode = stats.mode().name();
      e.received = stats.received();
      e.succeeded = stats.succeeded();
      e.failed = stats.failed();
      e.duplicates = stats.duplicates();
      e.retries = stats.retries();
      e.emitted = stats.emitted();
      e.unfinished = stats.unfinished();
      e.finished = stats.finished();
      e.commit();
    }
  }

  private static void failed(TaskFailed f) {
    TaskFailureJfrEvent e = new TaskFailureJfrEvent();
    if (e.shouldCommit()) {
      TaskFailure failure = f.failure();
      e.runId = f.runId();
      e.graph = f.graph();
      e.stage = failure.stage();
      e.taskId = failure.taskId();
      e.exceptionType = failure.exceptionType();
      e.message = failure.message();
      e.attempt = failure.attempts();
      e.willRetry = false;
      e.commit();
    }
  }

  private static void retried(TaskRetried r) {
    TaskFailureJfrEvent failure = new TaskFailureJfrEvent();
    if (failure.shouldCommit()) {
      String message = r.error().getMessage();
      failure.runId = r.runId();
      failure.graph = r.graph();
      failure.stage = r.stage();
      failure.taskId = r.taskId();
      failure.exceptionType = r.error().getClass().getName();
      failure.message = message == null ? "" : message;
      failure.attempt = r.attempt();
      failure.willRetry = true;
      failure.commit();
    }
    TaskRetryJfrEvent retry = new TaskRetryJfrEvent();
    if (retry.shouldCommit()) {
      retry.runId = r.runId();
      retry.graph = r.graph();
      retry.stage = r.stage();
      retry.taskId = r.taskId();
      retry.exceptionType = r.error().getClass().getName();
      retry.attempt = r.attempt();
      retry.delay = r.delay().toNanos();
      retry.commit();
    }
  }

  private static void inputFailed(InputFailed f) {
    InputFailureJfrEvent e = new InputFailureJfrEvent();
    if (e.shouldCommit()) {
      InputFailure failure = f.failure();
      e.runId = f.runId();
      e.graph = f.graph();
      e.stage = failure.stage();
      e.exceptionType = failure.exceptionType();
      e.message = failure.message();
      e.tasksRead = failure.tasksRead();
      e.commit();
    }
  }

  private void finished(RunFinished f) {
    GraphResult result = f.result();
    // Stages a cancelled or failed run ended before they finished.
    for (Map.Entry<String, StageJfrEvent> open : stages.entrySet()) {
      commit(open.getValue(), f.runId(), f.graph(), result.stats(open.getKey()));
    }
    stages.clear();
    RunJfrEvent e = run;
    if (e == null) {
      e = new RunJfrEvent();
      e.begin();
    }
    e.end();
    if (e.shouldCommit()) {
      e.runId = f.runId();
      e.graph = f.graph();
      e.layout = layout;
      e.state = result.state().name();
      e.stages = result.stats().size();
      for (StageStats s : result.stats()) {
        e.received += s.received();
        e.succeeded += s.succeeded();
        e.failed += s.failed();
        e.duplicates += s.duplicates();
        e.retries += s.retries();
        e.unfinished += s.unfinished();
      }
      e.commit();
    }
  }
}

package io.celestialflow.dashboard.internal;

import com.google.gson.JsonElement;
import io.celestialflow.GraphInputException;
import io.celestialflow.GraphRun;
import io.celestialflow.GraphStateException;
import io.celestialflow.dashboard.history.FailureEntry;
import io.celestialflow.dashboard.history.RecordedText;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Controls a run of this JVM through its {@link GraphRun}. */
final class LocalControl implements RunControl {
  private final GraphRun run;
  private final TaskDecoder decoder;

  LocalControl(GraphRun run) {
    this.run = run;
    this.decoder = new TaskDecoder(run.graph());
  }

  @Override
  public String inject(String stage, List<JsonElement> tasks) {
    List<Object> decoded = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      String label = tasks.size() == 1 ? "the task" : "task " + (i + 1) + " of " + tasks.size();
      decoded.add(decoder.decode(stage, tasks.get(i), label));
    }
    int done = 0;
    for (Object task : decoded) {
      feed(stage, task, done, decoded.size());
      done++;
    }
    return "injected " + done + (done == 1 ? " task" : " tasks") + " into stage '" + stage + "'";
  }

  private void feed(String stage, Object task, int done, int of) {
    try {
      run.inject(stage, task);
    } catch (GraphStateException e) {
      throw ApiException.conflict(
          (done > 0 ? done + " of " + of + " tasks were injected, then: " : "")
              + "the run takes no more tasks: "
              + e.getMessage());
    } catch (GraphInputException e) {
      throw ApiException.notFound(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public String retry(List<FailureEntry> failures) {
    // A failure read from a run store has its task as the JSON the codec wrote: decoded with the
    // stage's codec, all before any is fed, like an injection.
    List<Object> tasks = new ArrayList<>(failures.size());
    for (FailureEntry f : failures) {
      tasks.add(task(f));
    }
    int done = 0;
    for (int i = 0; i < failures.size(); i++) {
      feed(failures.get(i).failure().stage(), tasks.get(i), done, failures.size());
      done++;
    }
    return "retrying " + done + (done == 1 ? " failed task" : " failed tasks");
  }

  private Object task(FailureEntry f) {
    Object task = f.failure().task();
    if (task instanceof RecordedText text) {
      throw ApiException.badRequest(
          "failure "
              + f.id()
              + " cannot be retried: its task was recorded as text only ("
              + text.reason()
              + ")");
    }
    String json = f.taskJson();
    if (json == null) {
      return task;
    }
    return decoder.decodeWritten(f.failure().stage(), json, "the task of failure " + f.id());
  }

  @Override
  public String closeInputs(@Nullable String stage) {
    if (run.isDone()) {
      throw ApiException.conflict("the run has already ended");
    }
    if (stage == null) {
      run.closeInputs();
      return "closed the inputs of the run";
    }
    try {
      run.closeInputs(stage);
    } catch (GraphInputException e) {
      throw ApiException.notFound(String.valueOf(e.getMessage()));
    }
    return "closed the inputs of stage '" + stage + "'";
  }

  @Override
  public String cancel() {
    if (run.isDone()) {
      throw ApiException.conflict("the run has already ended");
    }
    run.cancel();
    return "cancelling the run";
  }

  @Override
  public @Nullable String taskJson(FailureEntry failure) {
    String json = failure.taskJson();
    if (json != null) {
      return json;
    }
    return decoder.encode(failure.failure().stage(), failure.failure().task()).orElse(null);
  }
}

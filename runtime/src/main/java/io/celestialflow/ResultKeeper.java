package io.celestialflow;

import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@link RunBuilder#keepResults}: an observer that keeps every successful task of the chosen stages
 * with its outputs, in memory, for {@link GraphResult#results}.
 */
final class ResultKeeper implements TaskObserver {
  private final Map<String, ConcurrentLinkedQueue<TaskResult<Object, Object>>> kept =
      new LinkedHashMap<>();

  ResultKeeper(Set<String> stages) {
    for (String s : stages) {
      kept.put(s, new ConcurrentLinkedQueue<>());
    }
  }

  @Override
  public boolean observes(TaskStage<?, ?> stage) {
    return kept.containsKey(stage.name());
  }

  @Override
  public boolean wantsResults(TaskStage<?, ?> stage) {
    return true;
  }

  @Override
  public boolean wantsTimes(TaskStage<?, ?> stage) {
    return false;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void result(TaskRef task, List<?> outputs) {
    var results = kept.get(task.stage());
    if (results != null) {
      results.add(new TaskResult<>(task.task(), (List<Object>) outputs));
    }
  }

  /** What was kept, per stage, in the order the tasks finished. */
  Map<String, List<TaskResult<?, ?>>> results() {
    Map<String, List<TaskResult<?, ?>>> out = new LinkedHashMap<>();
    kept.forEach((stage, results) -> out.put(stage, List.copyOf(results)));
    return out;
  }

  @Override
  public String toString() {
    return "keepResults" + kept.keySet();
  }
}

package io.celestialflow.launch;

import io.celestialflow.RunBuilder;
import io.celestialflow.spi.LaunchSession;
import java.io.Closeable;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code --input STAGE=TASKS} options of a command line, checked once and readable any number
 * of times: a plain run reads them once, {@code --bench} once per set-up.
 */
final class InputSpecs {
  /** One {@code --input}: the stage, its task type and the tasks as given (JSON or a path). */
  private record Spec(String stage, Type type, String tasks) {}

  private final List<Spec> specs;
  private final JsonTasks reader;

  private InputSpecs(List<Spec> specs, JsonTasks reader) {
    this.specs = specs;
    this.reader = reader;
  }

  /**
   * Checks the {@code --input} values against the input stages.
   *
   * @throws IllegalArgumentException for a malformed value or a stage that takes no input
   */
  static InputSpecs parse(List<String> values, Map<String, Type> inputTypes, JsonTasks reader) {
    List<Spec> specs = new ArrayList<>();
    for (String value : values) {
      int eq = value.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--input needs STAGE=TASKS, for example --input add='[[1,2],[3,4]]'");
      }
      String stage = value.substring(0, eq).strip();
      Type type = inputTypes.get(stage);
      if (type == null) {
        throw new IllegalArgumentException(
            "'" + stage + "' is not an input stage (input stages: " + inputTypes.keySet() + ")");
      }
      specs.add(new Spec(stage, type, value.substring(eq + 1)));
    }
    return new InputSpecs(List.copyOf(specs), reader);
  }

  boolean isEmpty() {
    return specs.isEmpty();
  }

  /**
   * Adds every input to a run, each read anew (files lazily), through the sessions (a resumed run
   * skips what an earlier one read); opened files are added to {@code open}.
   */
  void feed(RunBuilder run, List<LaunchSession> sessions, List<Closeable> open) {
    int source = 0;
    for (Spec spec : specs) {
      Iterable<?> tasks = reader.read(spec.stage(), spec.tasks(), spec.type(), open);
      for (LaunchSession session : sessions) {
        tasks = session.input(spec.stage(), source, tasks);
      }
      run.input(spec.stage(), tasks);
      source++;
    }
  }
}

package io.celestialflow.spi;

import io.celestialflow.TaskGraph;
import java.io.PrintStream;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link LauncherExtension} sees of one launch: the graph, the parsed command line and the
 * runner's output streams.
 */
public interface LaunchContext {
  /**
   * The graph the runner launches.
   *
   * @return the graph
   */
  TaskGraph graph();

  /**
   * The task types of the stages that take {@code --input} tasks, by stage name.
   *
   * @return the input types
   */
  Map<String, Type> inputTypes();

  /**
   * Whether an option was given.
   *
   * @param option the option, e.g. {@code --dashboard}
   * @return true if it was given at least once
   */
  boolean has(String option);

  /**
   * The value of an option given once (the last one if repeated); empty if it was not given or was
   * given without a value.
   *
   * @param option the option
   * @return its value
   */
  Optional<String> value(String option);

  /**
   * Every value of a repeatable option, in command-line order.
   *
   * @param option the option
   * @return its values (empty if not given)
   */
  List<String> values(String option);

  /**
   * The runner's standard output: machine-readable results only.
   *
   * @return the stream
   */
  PrintStream out();

  /**
   * The runner's standard error: messages for the person at the terminal (a dashboard's address,
   * warnings).
   *
   * @return the stream
   */
  PrintStream err();
}

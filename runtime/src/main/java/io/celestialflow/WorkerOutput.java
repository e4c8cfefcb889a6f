package io.celestialflow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the lines a {@link ExecutionMode#PROCESS worker process} prints go. Whatever the stage's
 * code writes to {@code System.out} or {@code System.err} in a worker JVM is captured line by line
 * by the driving JVM — never mixed into the task stream — and handed here with the stage name and
 * the worker's number.
 *
 * <p>The default, {@link #standardStreams()}, prints each line to the driving JVM's own {@code
 * System.out} or {@code System.err}, prefixed with {@code [stage#worker]}.
 */
@FunctionalInterface
public interface WorkerOutput {
  /**
   * Receives one line. Called on the engine's output-reading thread of that worker; must not block
   * for long.
   *
   * @param stage the stage name
   * @param worker the worker's number within the stage, from 0
   * @param error true for standard error, false for standard output
   * @param line the line, without its line terminator
   */
  void line(String stage, int worker, boolean error, String line);

  /**
   * Prints each line as {@code [stage#worker] line} to {@code System.out} or {@code System.err}
   * (whichever the worker used), as they are when the line arrives.
   *
   * @return the sink
   */
  static WorkerOutput standardStreams() {
    return (stage, worker, error, line) ->
        (error ? System.err : System.out).println("[" + stage + "#" + worker + "] " + line);
  }

  /**
   * Logs each line through SLF4J, as {@code [stage#worker] line}, on the logger {@code
   * io.celestialflow.worker.output}: INFO for standard output, WARN for standard error.
   *
   * @return the sink
   */
  static WorkerOutput logger() {
    Logger log = LoggerFactory.getLogger("io.celestialflow.worker.output");
    return (stage, worker, error, line) -> {
      if (error) {
        log.warn("[{}#{}] {}", stage, worker, line);
      } else {
        log.info("[{}#{}] {}", stage, worker, line);
      }
    };
  }

  /**
   * Drops every line.
   *
   * @return the sink
   */
  static WorkerOutput discard() {
    return (stage, worker, error, line) -> {};
  }
}

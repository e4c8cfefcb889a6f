package io.celestialflow;

/**
 * The root of every exception CelestialFlow throws at its caller: a malformed graph, bad inputs, or
 * using a graph in the wrong state. Failures of the user's own task functions are never thrown;
 * they are recorded as {@link TaskFailure}s and the run goes on.
 */
public class CelestialFlowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that says what was wrong and how to fix it.
   *
   * @param message the explanation
   */
  public CelestialFlowException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message the explanation
   * @param cause the underlying cause
   */
  public CelestialFlowException(String message, Throwable cause) {
    super(message, cause);
  }
}

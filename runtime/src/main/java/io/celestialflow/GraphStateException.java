package io.celestialflow;

/** A graph or run was used in a state that does not allow it, such as running a closed graph. */
public class GraphStateException extends CelestialFlowException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what state the object is in and what was attempted
   */
  public GraphStateException(String message) {
    super(message);
  }
}

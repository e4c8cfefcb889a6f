package io.celestialflow;

/**
 * Inputs given to a run are invalid: tasks for a stage that is not in the graph, tasks injected
 * into a run that does not accept them, outputs requested from a stage that was not registered for
 * them.
 */
public class GraphInputException extends CelestialFlowException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong with the input and how to fix it
   */
  public GraphInputException(String message) {
    super(message);
  }
}

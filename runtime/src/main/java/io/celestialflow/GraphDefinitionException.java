package io.celestialflow;

/**
 * A stage or graph definition is invalid: a blank or duplicate stage name, an edge to a stage that
 * is not in the graph, a worker limit below one, a {@link Layout#SERIAL serial} layout on a cyclic
 * graph, and so on. Thrown by the builders as soon as the mistake can be seen.
 */
public class GraphDefinitionException extends CelestialFlowException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong with the definition and how to fix it
   */
  public GraphDefinitionException(String message) {
    super(message);
  }
}

package io.celestialflow.store;

import io.celestialflow.CelestialFlowException;

/**
 * The run store cannot do what was asked: its file cannot be opened or is not a run store, a run is
 * unknown, or a run cannot be resumed in the graph given. The message names the file, the run or
 * what differs.
 */
public final class StoreException extends CelestialFlowException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what is wrong and how to fix it
   */
  public StoreException(String message) {
    super(message);
  }

  /**
   * Creates an exception with its cause.
   *
   * @param message what is wrong and how to fix it
   * @param cause the underlying cause
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

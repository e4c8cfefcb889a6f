package io.celestialflow.dashboard.internal;

import java.io.Serial;

/** A request the API refuses, with the HTTP status and a message for the caller. */
public final class ApiException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * A refusal.
   *
   * @param status the HTTP status, 4xx or 5xx
   * @param message what was wrong, for the caller
   */
  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /**
   * The HTTP status.
   *
   * @return the status
   */
  public int status() {
    return status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  static ApiException conflict(String message) {
    return new ApiException(409, message);
  }
}

package io.celestialflow.redis;

import java.io.Serial;
import java.util.List;

/**
 * A task was moved to its stage's dead-letter stream instead of being run: it was malformed
 * (protocol code such as {@code bad_payload}), or it was delivered more often than the delivery
 * limit without a result ({@code max_deliveries}: a poison message that kills or hangs its
 * workers).
 */
public class DeadLetterException extends RemoteWorkerException {
  @Serial private static final long serialVersionUID = 1L;

  private final String code;

  /**
   * Creates the exception.
   *
   * @param code the dead letter's code (docs/protocol.md section 6, or {@code max_deliveries})
   * @param remoteType the protocol error type
   * @param reason why, for people
   * @param worker the consumer name of the worker that moved it
   */
  public DeadLetterException(String code, String remoteType, String reason, String worker) {
    super(remoteType, List.of(remoteType), reason, "", worker);
    this.code = code;
  }

  /**
   * The dead letter's code.
   *
   * @return for example {@code max_deliveries} or {@code bad_payload}
   */
  public String code() {
    return code;
  }
}

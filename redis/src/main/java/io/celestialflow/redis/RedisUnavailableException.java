package io.celestialflow.redis;

import java.io.Serial;
import java.time.Duration;

/**
 * Redis could not be reached for longer than the bridge's reconnect timeout. Tasks that were
 * waiting for Redis fail with this exception (recorded as failures of their stage); the message
 * names the address, for example {@code Redis at 127.0.0.1:6379 is unreachable: gave up after 30 s
 * (Connection refused)}.
 */
public class RedisUnavailableException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final String address;

  /**
   * Creates the exception.
   *
   * @param address the Redis address, {@code host:port}
   * @param waited how long reconnection was tried
   * @param cause the last connection error
   */
  public RedisUnavailableException(String address, Duration waited, Throwable cause) {
    super(
        "Redis at "
            + address
            + " is unreachable: gave up after "
            + Durations.describe(waited)
            + " ("
            + Durations.reason(cause)
            + ")",
        cause);
    this.address = address;
  }

  /**
   * Creates the exception for a single failed request (no reconnection tried).
   *
   * @param address the Redis address, {@code host:port}
   * @param cause the connection error
   */
  public RedisUnavailableException(String address, Throwable cause) {
    super("Redis at " + address + " is unreachable (" + Durations.reason(cause) + ")", cause);
    this.address = address;
  }

  /**
   * The address that could not be reached.
   *
   * @return {@code host:port}
   */
  public String address() {
    return address;
  }
}

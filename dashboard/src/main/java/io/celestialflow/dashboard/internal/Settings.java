package io.celestialflow.dashboard.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a dashboard server is set up; made by {@link io.celestialflow.dashboard.Dashboard.Builder}.
 *
 * @param host the address to bind
 * @param port the port, 0 for a free one
 * @param token the token every request needs, or null (loopback only)
 * @param readOnly whether the page may act on runs
 * @param intervalMs the update interval of pushed snapshots
 * @param maxRuns how many runs to list before forgetting the oldest ended ones
 * @param failuresPerRun how many failures the in-memory history keeps per run
 * @param seriesPoints how many points each run's chart history keeps
 * @param bodyLimit the largest request body, in bytes
 * @param staleAfterMs after how long without a report a remote run is shown as lost
 */
public record Settings(
    String host,
    int port,
    @Nullable String token,
    boolean readOnly,
    long intervalMs,
    int maxRuns,
    int failuresPerRun,
    int seriesPoints,
    int bodyLimit,
    long staleAfterMs) {
  /**
   * Checks the values.
   *
   * @param host the address
   * @param port the port
   * @param token the token
   * @param readOnly read-only
   * @param intervalMs the interval
   * @param maxRuns runs kept
   * @param failuresPerRun failures kept per run
   * @param seriesPoints chart points per run
   * @param bodyLimit body limit
   * @param staleAfterMs remote staleness
   */
  public Settings {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
    }
    if (intervalMs < 50) {
      throw new IllegalArgumentException("the update interval must be at least 50 ms");
    }
  }
}

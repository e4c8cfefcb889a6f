package io.celestialflow.dashboard;

import io.celestialflow.GraphListener;
import io.celestialflow.GraphRun;
import io.celestialflow.RunBuilder;
import io.celestialflow.dashboard.history.FailureHistoryProvider;
import io.celestialflow.dashboard.internal.Server;
import io.celestialflow.dashboard.internal.Settings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The live web dashboard: an embedded HTTP server showing the runs it is given, with a JSON and
 * Server-Sent Events API for scripts (docs/dashboard.md).
 *
 * <pre>{@code
 * try (Dashboard dashboard = Dashboard.start()) {          // 127.0.0.1, a free port
 *   System.err.println("Dashboard: " + dashboard.url());
 *   GraphResult result = dashboard.attach(graph.newRun().input(fetch, urls)).run();
 * }
 * }</pre>
 *
 * <p>It binds 127.0.0.1 unless told otherwise; any other address requires a token, generated if
 * none is given, which every request must then carry ({@link #url()} includes it). One dashboard
 * shows any number of runs, of this JVM ({@link #attach}, {@link #listener()}, {@link #track}) and,
 * standalone, of other JVMs that report to it ({@link DashboardReporter}). It holds bounded memory
 * per run: counters, a bounded chart history and the most recent failures (all of them, searchable,
 * when a run store provides the history). Thread-safe; close it to stop the server.
 */
public final class Dashboard implements AutoCloseable {
  /** The update interval unless set: how often counters are read and pushed to browsers. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(500);

  private final Server server;
  private final String displayHost;

  private Dashboard(Server server, String displayHost) {
    this.server = server;
    this.displayHost = displayHost;
  }

  /**
   * Starts a dashboard on 127.0.0.1 at a free port, with the default settings.
   *
   * @return the running dashboard
   */
  public static Dashboard start() {
    return builder().start();
  }

  /**
   * Starts configuring a dashboard.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Shows a run of this JVM: adds this dashboard's listener to the run being configured.
   *
   * @param run the run builder
   * @return the same run builder, to go on configuring it
   */
  public RunBuilder attach(RunBuilder run) {
    return run.listener(listener());
  }

  /**
   * The listener that shows runs on this dashboard: add it to a run ({@link RunBuilder#listener})
   * or to a graph (every run of it).
   *
   * @return the listener
   */
  public GraphListener listener() {
    return server.localRuns();
  }

  /**
   * Shows a run that is already going (its failures from now on only; prefer {@link #attach}).
   *
   * @param run the run
   */
  public void track(GraphRun run) {
    server.localRuns().track(run);
  }

  /**
   * The port the dashboard listens on.
   *
   * @return the port
   */
  public int port() {
    return server.port();
  }

  /**
   * The token requests need, if any.
   *
   * @return the token
   */
  public Optional<String> token() {
    return Optional.ofNullable(server.settings().token());
  }

  /**
   * The page's address, such as {@code http://127.0.0.1:8321/}, with {@code ?token=} when a token
   * is required.
   *
   * @return the address
   */
  public URI url() {
    String token = server.settings().token();
    return URI.create(
        "http://" + displayHost + ":" + port() + "/" + (token == null ? "" : "?token=" + token));
  }

  /**
   * How many browsers (event streams) are connected.
   *
   * @return the count
   */
  public int clients() {
    return server.clients();
  }

  /** Stops the server. Runs it shows go on. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "Dashboard[" + displayHost + ":" + port() + "]";
  }

  /** Configures a {@link Dashboard}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private @Nullable String token;
    private boolean readOnly;
    private Duration interval = DEFAULT_INTERVAL;
    private int maxRuns = 100;
    private int failuresPerRun = 2_000;
    private final List<FailureHistoryProvider> histories = new ArrayList<>();

    private Builder() {}

    /**
     * The address to bind (default 127.0.0.1). Any address other than a loopback one requires a
     * token; one is generated if none is set.
     *
     * @param host an address or host name, e.g. {@code 0.0.0.0}
     * @return this builder
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * The port (default 0: a free one).
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Requires this token of every request, also on a loopback address.
     *
     * @param token at least 16 characters
     * @return this builder
     */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 16 || !token.matches("[A-Za-z0-9._~-]+")) {
        throw new IllegalArgumentException(
            "a token has at least 16 characters among A-Z a-z 0-9 . _ ~ -");
      }
      this.token = token;
      return this;
    }

    /**
     * Shows runs without letting the page act on them (no inject, retry, close or cancel).
     *
     * @return this builder
     */
    public Builder readOnly() {
      this.readOnly = true;
      return this;
    }

    /**
     * How often counters are read and pushed to browsers (default 500 ms).
     *
     * @param interval at least 50 ms
     * @return this builder
     */
    public Builder updateInterval(Duration interval) {
      if (interval.toMillis() < 50) {
        throw new IllegalArgumentException("the update interval must be at least 50 ms");
      }
      this.interval = interval;
      return this;
    }

    /**
     * How many runs to list (default 100); beyond it the oldest ended runs are forgotten.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxRuns(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRuns must be at least 1");
      }
      this.maxRuns = max;
      return this;
    }

    /**
     * How many failures of each run are kept for search in memory (default 2,000); every failure is
     * counted. Ignored for runs whose history a run store provides.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder failuresPerRun(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("failuresPerRun must be at least 1");
      }
      this.failuresPerRun = max;
      return this;
    }

    /**
     * Reads runs' failures and chart history from a provider when it holds them — a run store:
     * {@code history(StoreHistory.of(store))} ({@link io.celestialflow.dashboard.store}). Then
     * error search, paging, stack traces, retry and group counts cover every failure the store
     * recorded, not only the newest in memory. Providers are asked in the order given, before any
     * found with {@link java.util.ServiceLoader}; the dashboard does not close them.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder history(FailureHistoryProvider provider) {
      histories.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * Starts the dashboard.
     *
     * @return the running dashboard
     * @throws IllegalArgumentException if the host is unknown
     * @throws RuntimeException if the port cannot be bound
     */
    public Dashboard start() {
      boolean loopback = isLoopback(host);
      String effectiveToken = token;
      if (effectiveToken == null && !loopback) {
        effectiveToken = newToken();
      }
      Server server =
          new Server(
              new Settings(
                  host,
                  port,
                  effectiveToken,
                  readOnly,
                  interval.toMillis(),
                  maxRuns,
                  failuresPerRun,
                  240,
                  1024 * 1024,
                  15_000),
              List.copyOf(histories));
      String display =
          loopback || isWildcard(host) ? (loopback ? literal(host) : "127.0.0.1") : host;
      return new Dashboard(server, display);
    }

    /** Whether the token would be required for this builder's host. */
    boolean requiresToken() {
      return token != null || !isLoopback(host);
    }

    private static String literal(String host) {
      return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static boolean isWildcard(String host) {
      try {
        return InetAddress.getByName(host).isAnyLocalAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host '" + host + "'", e);
    }
  }

  static String newToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

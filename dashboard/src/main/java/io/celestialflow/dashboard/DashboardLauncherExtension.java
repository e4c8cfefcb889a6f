package io.celestialflow.dashboard;

import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.dashboard.history.FailureHistoryProvider;
import io.celestialflow.dashboard.history.StoreConnector;
import io.celestialflow.dashboard.internal.Services;
import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchOption;
import io.celestialflow.spi.LaunchSession;
import io.celestialflow.spi.LauncherExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard's options for every generated runner, found with {@link java.util.ServiceLoader}
 * when this module is on the class path:
 *
 * <ul>
 *   <li>{@code --dashboard} (a free port) or {@code --dashboard=PORT}: serve the dashboard while
 *       the graph runs; prints one line, {@code Dashboard: http://127.0.0.1:PORT/}, to standard
 *       error.
 *   <li>{@code --keep-dashboard}: keep serving after the run has ended, until Ctrl-C.
 *   <li>{@code --dashboard-open-inputs}: keep the run open for tasks injected from the page; it
 *       ends once its inputs are closed there (or it is cancelled).
 *   <li>{@code --dashboard-host ADDR}: bind another address (a token is then generated and shown in
 *       the printed address, unless given with {@code --dashboard-token}).
 *   <li>{@code --dashboard-report URL}: report the run to a standalone dashboard instead (with
 *       {@code --dashboard-token}).
 * </ul>
 *
 * <p>With the run store's {@code --store DIR} (or {@code --resume=DIR}) and {@code
 * celestialflow-store} on the class path, the dashboard reads its error log and charts from that
 * store ({@link io.celestialflow.dashboard.store.StoreHistory}).
 */
public final class DashboardLauncherExtension implements LauncherExtension {
  /** Creates the extension; {@link java.util.ServiceLoader} calls this. */
  public DashboardLauncherExtension() {}

  @Override
  public List<LaunchOption> options() {
    return List.of(
        LaunchOption.withOptionalValue(
            "--dashboard", "PORT", "serve the live dashboard (a free port unless given)"),
        LaunchOption.flag(
            "--keep-dashboard", "keep serving the dashboard after the run, until Ctrl-C"),
        LaunchOption.flag(
            "--dashboard-open-inputs",
            "keep the run open for tasks injected from the dashboard, until closed there"),
        LaunchOption.withValue(
            "--dashboard-host", "ADDR", "address the dashboard binds (default 127.0.0.1)"),
        LaunchOption.withValue(
            "--dashboard-token", "TOKEN", "token the dashboard requires (or the one reported to)"),
        LaunchOption.withValue(
            "--dashboard-report", "URL", "report the run to a standalone dashboard at URL"));
  }

  @Override
  public LaunchSession open(LaunchContext context) {
    Optional<String> report = context.value("--dashboard-report");
    Optional<String> token = context.value("--dashboard-token");
    if (report.isPresent()) {
      DashboardReporter reporter;
      try {
        reporter = DashboardReporter.to(URI.create(report.get()), token.orElse(null));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--dashboard-report: " + e.getMessage(), e);
      }
      return new ReportSession(reporter);
    }
    Dashboard.Builder builder = Dashboard.builder();
    Optional<String> port = context.value("--dashboard");
    if (port.isPresent()) {
      try {
        builder.port(Integer.parseInt(port.get().strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--dashboard=PORT needs a port number, not '" + port.get() + "'", e);
      }
    }
    context.value("--dashboard-host").ifPresent(builder::host);
    token.ifPresent(builder::token);
    FailureHistoryProvider store = storeHistory(context);
    if (store != null) {
      builder.history(store);
    }
    Dashboard dashboard;
    try {
      dashboard = builder.start();
    } catch (RuntimeException e) {
      if (store != null) {
        store.close();
      }
      throw e;
    }
    context.err().println("Dashboard: " + dashboard.url());
    context.err().flush();
    return new ServeSession(
        dashboard, store, context.has("--keep-dashboard"), context.has("--dashboard-open-inputs"));
  }

  /**
   * With {@code --store DIR} (or {@code --resume=DIR}) and the run store on the class path, the
   * histories of the runs recorded there; else null, and the dashboard keeps failures in memory.
   */
  private static @Nullable FailureHistoryProvider storeHistory(LaunchContext context) {
    Optional<String> dir =
        context.value("--store").or(() -> context.value("--resume")).filter(d -> !d.isBlank());
    if (dir.isEmpty()) {
      return null;
    }
    Optional<StoreConnector> connector = Services.storeConnector();
    if (connector.isEmpty()) {
      return null;
    }
    try {
      return connector.get().connect(Path.of(dir.get()));
    } catch (RuntimeException | LinkageError e) {
      context
          .err()
          .println(
              "warning: the dashboard cannot read the run store in "
                  + dir.get()
                  + " ("
                  + e.getMessage()
                  + "); its error log keeps the newest failures in memory");
      return null;
    }
  }

  /** Serves the dashboard in this JVM during the launch. */
  static final class ServeSession implements LaunchSession {
    private final Dashboard dashboard;
    private final @Nullable FailureHistoryProvider store;
    private final boolean keep;
    private final boolean openInputs;
    private final CountDownLatch closed = new CountDownLatch(1);

    ServeSession(
        Dashboard dashboard,
        @Nullable FailureHistoryProvider store,
        boolean keep,
        boolean openInputs) {
      this.dashboard = dashboard;
      this.store = store;
      this.keep = keep;
      this.openInputs = openInputs;
    }

    @Override
    public void configure(RunBuilder run) {
      dashboard.attach(run);
      if (openInputs) {
        run.keepOpen();
      }
    }

    @Override
    public void finished(GraphResult result) {
      if (!keep) {
        return;
      }
      // Serve until Ctrl-C (the hook releases the launcher, which then closes this session) or
      // until the launching thread is interrupted.
      CountDownLatch stop = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                stop.countDown();
                awaitQuietly(closed, Duration.ofSeconds(5));
              },
              "celestialflow-dashboard-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it waits for close()
        }
      }
    }

    @Override
    public void close() {
      try {
        dashboard.close();
        if (store != null) {
          store.close();
        }
      } finally {
        closed.countDown();
      }
    }
  }

  /** Reports the run to a standalone dashboard. */
  static final class ReportSession implements LaunchSession {
    private final DashboardReporter reporter;

    ReportSession(DashboardReporter reporter) {
      this.reporter = reporter;
    }

    @Override
    public void configure(RunBuilder run) {
      run.listener(reporter);
    }

    @Override
    public void close() {
      reporter.close();
    }
  }

  static void awaitQuietly(CountDownLatch latch, @Nullable Duration max) {
    try {
      if (max == null) {
        latch.await();
      } else {
        boolean unused = latch.await(max.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

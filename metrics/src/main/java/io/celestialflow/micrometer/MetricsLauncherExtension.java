package io.celestialflow.micrometer;

import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchOption;
import io.celestialflow.spi.LaunchSession;
import io.celestialflow.spi.LauncherExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code --metrics} for the generated runners, found with {@link java.util.ServiceLoader} when
 * {@code celestialflow-micrometer} is on the class path: the run is measured into a {@link
 * SimpleMeterRegistry} and its meters are printed on standard error when it ends; {@code
 * --metrics=timed} also times every task ({@link CelestialFlowMetrics.Builder#timeTasks()}).
 */
public final class MetricsLauncherExtension implements LauncherExtension {
  static final String METRICS = "--metrics";
  static final String TIMED = "timed";

  /** Creates the extension (ServiceLoader). */
  public MetricsLauncherExtension() {}

  @Override
  public List<LaunchOption> options() {
    return List.of(
        LaunchOption.withOptionalValue(
            METRICS,
            TIMED,
            "print the run's Micrometer meters on stderr when it ends (--metrics=timed: also time"
                + " every task)"));
  }

  @Override
  public LaunchSession open(LaunchContext context) {
    Optional<String> value = context.value(METRICS);
    if (value.isPresent() && !value.get().equals(TIMED)) {
      throw new IllegalArgumentException(
          METRICS + "=" + value.get() + ": the only value is '" + TIMED + "'");
    }
    return new Session(value.isPresent(), context.err());
  }

  /** One launch: a registry for the run, printed when it ends. */
  private static final class Session implements LaunchSession {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CelestialFlowMetrics metrics;
    private final PrintStream err;

    Session(boolean timed, PrintStream err) {
      CelestialFlowMetrics.Builder b = CelestialFlowMetrics.builder(registry);
      this.metrics = (timed ? b.timeTasks() : b).build();
      this.err = err;
    }

    @Override
    public void configure(RunBuilder run) {
      metrics.bind(run);
    }

    @Override
    public void finished(GraphResult result) {
      err.println("Metrics:");
      err.print(registry.getMetersAsString());
      err.println();
      err.flush();
    }

    @Override
    public void close() {
      metrics.close();
      registry.close();
    }
  }
}

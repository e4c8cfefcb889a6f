package io.celestialflow.progress;

import io.celestialflow.GraphListener;
import io.celestialflow.GraphRun;
import io.celestialflow.GraphStatus;
import io.celestialflow.RunBuilder;
import io.celestialflow.RunState;
import io.celestialflow.StageStats;
import io.celestialflow.event.RunEvent;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Shows a run's progress on the console, the original's per-stage progress bars: one line per stage
 * with tasks done out of received, the recent rate, an ETA, failures and duplicates.
 *
 * <pre>{@code
 * GraphResult result = ConsoleProgress.attach(graph.newRun().input(fetch, urls)).run();
 * // or, as any listener:
 * graph.newRun().input(fetch, urls).listener(ConsoleProgress.toStderr()).run();
 * }</pre>
 *
 * <p>The generated runners show it with {@code --progress}.
 *
 * <h2>Terminal or not</h2>
 *
 * When standard error is a terminal, the lines are redrawn in place at most four times a second,
 * and whatever else the program prints meanwhile to {@link System#err} — or to {@link System#out}
 * when that is the same terminal — appears above them: log lines and worker output do not tear the
 * bars, and the bars do not tear them (complete lines are printed at once; a partial line waits for
 * its end). The streams are given back when the run ends, and the last frame stays on the screen.
 * Otherwise (a file, a pipe, CI), one summary line is printed every five seconds, and one when the
 * run ends.
 *
 * <h2>Cost</h2>
 *
 * Nothing per task: at each interval one daemon thread, shared by every run of the process, reads
 * {@link GraphRun#status()} (a snapshot of counters the engine keeps anyway) and prints; the thread
 * that reports the run's end prints its last frame. Each run the listener sees gets its own
 * display; show one run at a time on a terminal.
 */
public final class ConsoleProgress implements GraphListener {
  /** How often bars are redrawn on a terminal, and the shortest interval allowed (4 Hz). */
  public static final Duration REDRAW_INTERVAL = Duration.ofMillis(250);

  /** How often a summary line is printed when the output is not a terminal. */
  public static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(5);

  /** How the progress is shown. */
  public enum Mode {
    /** Bars on a terminal, summary lines otherwise (the default). */
    AUTO,
    /** Bars redrawn in place, with ANSI cursor movement. */
    TERMINAL,
    /** A summary line at each interval. */
    PLAIN
  }

  private final @Nullable PrintStream output;
  private final Mode mode;
  private final Duration redrawInterval;
  private final Duration summaryInterval;
  private final int width;
  private final boolean captureSystemStreams;
  private final Map<String, ProgressDisplay> displays = new ConcurrentHashMap<>();

  private ConsoleProgress(Builder b) {
    this.output = b.output;
    this.mode = b.mode;
    this.redrawInterval = b.redrawInterval;
    this.summaryInterval = b.summaryInterval;
    this.width = b.width;
    this.captureSystemStreams = b.captureSystemStreams;
  }

  /**
   * Progress on standard error, as bars on a terminal and summary lines otherwise.
   *
   * @return the listener
   */
  public static ConsoleProgress toStderr() {
    return builder().build();
  }

  /**
   * Adds progress on standard error to a run.
   *
   * @param run the run being configured
   * @return the same run builder
   */
  public static RunBuilder attach(RunBuilder run) {
    return run.listener(toStderr());
  }

  /**
   * A builder for other streams, modes and intervals.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onEvent(RunEvent event) {
    switch (event) {
      case RunStarted started -> start(started.run());
      case RunFinished finished -> {
        ProgressDisplay d = displays.remove(finished.runId());
        if (d != null) {
          d.finish(finished.result().stats(), finished.result().state());
        }
      }
      default -> {
        // counts come from status snapshots, not from events
      }
    }
  }

  private void start(GraphRun run) {
    PrintStream out = output == null ? System.err : output;
    boolean terminal =
        switch (mode) {
          case TERMINAL -> true;
          case PLAIN -> false;
          case AUTO -> out == System.err && Terminal.isTerminal(2);
        };
    ProgressDisplay.Sink sink;
    if (terminal) {
      Screen screen = new Screen(out);
      if (captureSystemStreams) {
        screen.captureSystemStreams(out == System.err && Terminal.isTerminal(1));
      }
      sink = new Bars(screen, width > 0 ? width : Terminal.width());
    } else {
      sink = new Summary(out);
    }
    ProgressDisplay display =
        new ProgressDisplay(run, sink, terminal ? redrawInterval : summaryInterval);
    displays.put(run.runId(), display);
    display.start();
  }

  /** Bars redrawn in place. */
  private static final class Bars implements ProgressDisplay.Sink {
    private final Screen screen;
    private final int width;
    private final ProgressFormat format = new ProgressFormat();

    Bars(Screen screen, int width) {
      this.screen = screen;
      this.width = width;
    }

    @Override
    public void update(GraphStatus status, long now) {
      screen.draw(format.stageLines(status.stages(), now, width));
    }

    @Override
    public void finish(String graph, RunState state, List<StageStats> stats, long now) {
      screen.release(format.stageLines(stats, now, width));
    }
  }

  /** A summary line at each interval, and one at the end. */
  private static final class Summary implements ProgressDisplay.Sink {
    private final PrintStream out;
    private final ProgressFormat format = new ProgressFormat();

    Summary(PrintStream out) {
      this.out = out;
    }

    @Override
    public void update(GraphStatus status, long now) {
      out.println(
          format.summaryLine(
              status.graph() + " " + ProgressFormat.duration(status.elapsed()),
              status.stages(),
              now));
      out.flush();
    }

    @Override
    public void finish(String graph, RunState state, List<StageStats> stats, long now) {
      out.println(format.summaryLine(graph + " " + state, stats, now));
      out.flush();
    }
  }

  // ---------------------------------------------------------------- builder

  /** Configures a {@link ConsoleProgress}. */
  public static final class Builder {
    private @Nullable PrintStream output;
    private Mode mode = Mode.AUTO;
    private Duration redrawInterval = REDRAW_INTERVAL;
    private Duration summaryInterval = SUMMARY_INTERVAL;
    private int width;
    private boolean captureSystemStreams = true;

    private Builder() {}

    /**
     * Where to print (default: {@link System#err} as it is when a run starts). In {@link
     * Mode#AUTO}, bars are drawn only on standard error, when it is a terminal.
     *
     * @param output the stream
     * @return this builder
     */
    public Builder output(PrintStream output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    /**
     * Bars, summary lines, or the one that fits the output (default {@link Mode#AUTO}).
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * How often bars are redrawn (default and minimum {@link #REDRAW_INTERVAL}, 4 Hz).
     *
     * @param interval the interval
     * @return this builder
     * @throws IllegalArgumentException if shorter than {@link #REDRAW_INTERVAL}
     */
    public Builder redrawInterval(Duration interval) {
      if (interval.compareTo(REDRAW_INTERVAL) < 0) {
        throw new IllegalArgumentException(
            "bars are redrawn at most 4 times a second; an interval of "
                + interval.toMillis()
                + " ms is too short");
      }
      this.redrawInterval = interval;
      return this;
    }

    /**
     * How often a summary line is printed when not drawing bars (default {@link
     * #SUMMARY_INTERVAL}).
     *
     * @param interval the interval, at least 10 ms
     * @return this builder
     * @throws IllegalArgumentException if shorter than 10 ms
     */
    public Builder summaryInterval(Duration interval) {
      if (interval.compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException(
            "a summary interval of " + interval.toMillis() + " ms is too short (10 ms at least)");
      }
      this.summaryInterval = interval;
      return this;
    }

    /**
     * The terminal's width in columns (default: {@code $COLUMNS}, else what {@code stty} says, else
     * 80); bar lines are kept narrower so they never wrap.
     *
     * @param columns the width, at least 20
     * @return this builder
     * @throws IllegalArgumentException if less than 20
     */
    public Builder width(int columns) {
      if (columns < 20) {
        throw new IllegalArgumentException("a terminal width of " + columns + " is too narrow");
      }
      this.width = columns;
      return this;
    }

    /**
     * Whether, while bars are drawn on standard error, {@link System#err} and {@link System#out}
     * (when it is the same terminal) are routed through the display so that what they print appears
     * above the bars (default true).
     *
     * @param capture false to leave the system streams alone
     * @return this builder
     */
    public Builder captureSystemStreams(boolean capture) {
      this.captureSystemStreams = capture;
      return this;
    }

    /**
     * Builds the listener.
     *
     * @return the listener
     */
    public ConsoleProgress build() {
      return new ConsoleProgress(this);
    }
  }
}

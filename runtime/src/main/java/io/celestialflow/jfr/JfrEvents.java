package io.celestialflow.jfr;

import io.celestialflow.GraphListener;

/**
 * Where CelestialFlow's JFR events come from: a {@link GraphListener} turning one run's events into
 * JFR events ({@link RunJfrEvent}, {@link StageJfrEvent}, {@link TaskFailureJfrEvent}, {@link
 * TaskRetryJfrEvent}, {@link InputFailureJfrEvent}).
 *
 * <p>The engine attaches one to every run, first among the run's listeners, so recordings contain
 * CelestialFlow's events with nothing to turn on in code. It costs nothing measurable while no
 * recording runs: it acts on run-level events only (one per run, per stage, per failure or retry,
 * never per successful task), and each JFR event is filled and committed only if {@code
 * shouldCommit()} says a recording wants it.
 */
public final class JfrEvents {
  /** The JFR category of every CelestialFlow event, as JDK Mission Control shows it. */
  public static final String CATEGORY = "CelestialFlow";

  private JfrEvents() {}

  /**
   * A new listener that records one run's events as JFR events. The engine already attaches one to
   * every run, so a graph or run needs no other (another would record every event twice); it is
   * public because the engine lives in another package.
   *
   * @return a listener for one run
   */
  public static GraphListener listener() {
    return new JfrRecorder();
  }
}

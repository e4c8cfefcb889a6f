package io.celestialflow.samples;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Stage;
import java.util.Locale;

/**
 * A fan-in graph: readings from metric and from imperial thermometers (two entry stages, each
 * taking a station and a temperature) merge into one {@code report} stage.
 *
 * <pre>
 * metric   --\
 *             +--> report
 * imperial --/
 * </pre>
 */
public class Thermometers {
  /**
   * One reading, in degrees Celsius.
   *
   * @param station where it was taken
   * @param celsius the temperature
   */
  public record Reading(String station, double celsius) {}

  /** Creates the stages' instance. */
  public Thermometers() {}

  @Stage
  @Edge(to = "report")
  Reading metric(String station, double celsius) {
    return new Reading(station, celsius);
  }

  @Stage
  @Edge(to = "report")
  Reading imperial(String station, double fahrenheit) {
    return new Reading(station, (fahrenheit - 32) * 5 / 9);
  }

  @Stage(mode = ExecutionMode.THREAD, workers = 2)
  String report(Reading reading) {
    return String.format(Locale.ROOT, "%s %.1f C", reading.station(), reading.celsius());
  }
}

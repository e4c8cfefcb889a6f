package io.celestialflow.benchmarks;

import java.util.Arrays;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Both sides of an interleaved pair timed in one benchmark: each invocation runs the baseline once
 * and CelestialFlow once, in turn (which goes first alternating from one invocation to the next),
 * and adds each run's time and tasks to its side's counters. JMH reports the counters of every
 * iteration as secondary results ({@link AuxCounters}); {@link BenchmarkReport} divides them into
 * each side's time per task.
 *
 * <p>For the pairs whose target is a few percent on a run of three threads on two cores: a JVM's
 * JIT decisions make one fork's runs a few percent faster or slower than the next fork's, and runs
 * of the two sides in separate forks measured that more than what they differ by. Run in turn in
 * the same forks, both sides share whatever the JIT, the garbage collector or the machine does
 * meanwhile.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class InterleavedSides {
  /** The secondary result of the baseline's time, in nanoseconds. */
  static final String BASELINE_NANOS = "baselineNanos";

  /** The secondary result of the baseline's tasks. */
  static final String BASELINE_TASKS = "baselineTasks";

  /** The secondary result of CelestialFlow's time, in nanoseconds. */
  static final String CELESTIAL_FLOW_NANOS = "celestialFlowNanos";

  /** The secondary result of CelestialFlow's tasks. */
  static final String CELESTIAL_FLOW_TASKS = "celestialFlowTasks";

  /** The secondary result of the median ratio of one invocation's two runs. */
  static final String PAIR_RATIO = "pairRatio";

  /** Nanoseconds the baseline's runs took in this iteration. */
  public long baselineNanos;

  /** Tasks the baseline's runs ran in this iteration. */
  public long baselineTasks;

  /** Nanoseconds CelestialFlow's runs took in this iteration. */
  public long celestialFlowNanos;

  /** Tasks CelestialFlow's runs ran in this iteration. */
  public long celestialFlowTasks;

  private boolean celestialFlowFirst;

  /** This iteration's invocations: CelestialFlow's run time over the baseline's, each. */
  private double[] ratios = new double[64];

  private int pairs;

  /** Creates the counters; JMH makes one per benchmark thread. */
  public InterleavedSides() {}

  /** Starts each iteration's counts at zero. */
  @Setup(Level.Iteration)
  public void clear() {
    baselineNanos = 0;
    baselineTasks = 0;
    celestialFlowNanos = 0;
    celestialFlowTasks = 0;
    pairs = 0;
  }

  /**
   * The median over this iteration's invocations of CelestialFlow's run time over the baseline's in
   * the same invocation (NaN before any): what the sides' runs cost relative to each other, unmoved
   * by the runs that a 2-core machine makes slow now and then (one run in ten or so takes half as
   * long again, on either side).
   *
   * @return the median ratio
   */
  public double pairRatio() {
    if (pairs == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(ratios, pairs);
    Arrays.sort(sorted);
    return pairs % 2 == 1 ? sorted[pairs / 2] : (sorted[pairs / 2 - 1] + sorted[pairs / 2]) / 2;
  }

  /**
   * Runs each side once, in turn, timing each.
   *
   * @param tasks the tasks of one run of either side
   * @param baseline one run of the baseline; returns its verified result
   * @param celestialFlow one run of CelestialFlow; returns its verified result
   * @return the sum of both results, for JMH's blackhole
   */
  long both(long tasks, LongSupplier baseline, LongSupplier celestialFlow) {
    boolean first = celestialFlowFirst;
    celestialFlowFirst = !first;
    long sum = 0;
    long baselineTime = 0;
    long celestialFlowTime = 0;
    for (int side = 0; side < 2; side++) {
      boolean isCelestialFlow = (side == 0) == first;
      long t0 = System.nanoTime();
      sum += isCelestialFlow ? celestialFlow.getAsLong() : baseline.getAsLong();
      long t = System.nanoTime() - t0;
      if (isCelestialFlow) {
        celestialFlowTime = t;
      } else {
        baselineTime = t;
      }
    }
    baselineNanos += baselineTime;
    baselineTasks += tasks;
    celestialFlowNanos += celestialFlowTime;
    celestialFlowTasks += tasks;
    if (pairs == ratios.length) {
      ratios = Arrays.copyOf(ratios, 2 * pairs);
    }
    ratios[pairs++] = (double) celestialFlowTime / Math.max(1, baselineTime);
    return sum;
  }
}

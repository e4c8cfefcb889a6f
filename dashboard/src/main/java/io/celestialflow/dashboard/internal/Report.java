package io.celestialflow.dashboard.internal;

import com.google.gson.JsonElement;
import io.celestialflow.ExecutionMode;
import io.celestialflow.StageStats;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link io.celestialflow.dashboard.DashboardReporter} sends to a standalone dashboard
 * ({@code POST /api/report}) and what it gets back; the wire format of standalone mode.
 *
 * @param runId the run id
 * @param graph the graph name
 * @param origin the reporting host and process, e.g. {@code build-7/12345}
 * @param startedAt when the run started, epoch milliseconds
 * @param topology the graph's topology ({@code Topology#toJson()}); required in the first report
 * @param state the run state
 * @param elapsedMs time since the start
 * @param ended whether this is the run's last report
 * @param stages every stage's counters
 * @param failureCount failures in all, including those not sent
 * @param failures failures since the previous report (at most a few hundred)
 * @param acks outcomes of commands received with earlier replies
 */
public record Report(
    String runId,
    String graph,
    String origin,
    long startedAt,
    @Nullable JsonElement topology,
    String state,
    long elapsedMs,
    boolean ended,
    List<Counters> stages,
    long failureCount,
    @Nullable List<Failure> failures,
    @Nullable List<Ack> acks) {

  /**
   * One stage's counters; {@link StageStats} with the time in milliseconds.
   *
   * @param stage the stage
   * @param mode its mode
   * @param received received
   * @param succeeded succeeded
   * @param failed failed
   * @param duplicates duplicates
   * @param retries retries
   * @param pending pending
   * @param claimed claimed
   * @param running running
   * @param unfinished unfinished
   * @param emitted emitted
   * @param finished finished
   * @param elapsedMs elapsed
   * @param ratePerSecond average rate
   */
  public record Counters(
      String stage,
      ExecutionMode mode,
      long received,
      long succeeded,
      long failed,
      long duplicates,
      long retries,
      long pending,
      long claimed,
      long running,
      long unfinished,
      long emitted,
      boolean finished,
      long elapsedMs,
      double ratePerSecond) {

    /**
     * The counters of a stage.
     *
     * @param s the stats
     * @return the counters
     */
    public static Counters of(StageStats s) {
      return new Counters(
          s.stage(),
          s.mode(),
          s.received(),
          s.succeeded(),
          s.failed(),
          s.duplicates(),
          s.retries(),
          s.pending(),
          s.claimed(),
          s.running(),
          s.unfinished(),
          s.emitted(),
          s.finished(),
          s.elapsed().toMillis(),
          Double.isFinite(ratePerSecond(s)) ? ratePerSecond(s) : 0);
    }

    private static double ratePerSecond(StageStats s) {
      return s.ratePerSecond();
    }

    StageStats stats() {
      return new StageStats(
          stage,
          mode,
          received,
          succeeded,
          failed,
          duplicates,
          retries,
          pending,
          claimed,
          running,
          unfinished,
          emitted,
          finished,
          Duration.ofMillis(elapsedMs),
          ratePerSecond);
    }
  }

  /**
   * One failure as sent over the wire.
   *
   * @param stage the stage
   * @param types the exception type and its superclasses
   * @param message the message
   * @param stackTrace the stack trace
   * @param attempts the attempts
   * @param time epoch milliseconds
   * @param task the task as JSON, or its {@code toString} when it cannot be written
   * @param taskIsJson whether {@code task} is JSON
   */
  public record Failure(
      String stage,
      List<String> types,
      String message,
      String stackTrace,
      int attempts,
      long time,
      String task,
      boolean taskIsJson) {}

  /**
   * A command for the reporting run, sent back with a reply.
   *
   * @param id the command's number
   * @param op {@code inject}, {@code cancel} or {@code closeInputs}
   * @param stage the stage, for inject and closeInputs of one stage
   * @param tasks the tasks as JSON, for inject
   */
  public record Command(
      long id, String op, @Nullable String stage, @Nullable List<JsonElement> tasks) {}

  /**
   * What became of a command.
   *
   * @param id the command's number
   * @param ok whether it was carried out
   * @param message what happened, or why not
   */
  public record Ack(long id, boolean ok, String message) {}

  /**
   * The reply to a report.
   *
   * @param commands commands for the run
   */
  public record Reply(List<Command> commands) {}
}

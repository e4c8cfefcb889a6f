package io.celestialflow.dashboard.internal;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The JSON shapes of the API, as records Gson writes; documented in docs/dashboard.md. */
public final class Views {
  private Views() {}

  /**
   * How much each counter of a stage moved since the previous snapshot.
   *
   * @param received tasks arrived
   * @param succeeded tasks succeeded
   * @param failed tasks failed for good
   * @param duplicates tasks skipped as duplicates
   * @param pending change of the queue (may be negative)
   * @param claimed change of the tasks held by workers (may be negative)
   * @param running change of the tasks running (may be negative)
   */
  public record Delta(
      long received,
      long succeeded,
      long failed,
      long duplicates,
      long pending,
      long claimed,
      long running) {}

  /**
   * One stage in a status snapshot.
   *
   * @param name the stage name
   * @param kind MAP, SPLITTER, ROUTER or CONSUMER (null if unknown)
   * @param mode SERIAL, THREAD, ASYNC, PROCESS, ... (null if unknown)
   * @param workers the worker limit (null if unknown)
   * @param execution how the stage runs, e.g. {@code THREAD x4}, {@code VIRTUAL THREADS x32}
   * @param cyclic whether the stage lies on a cycle
   * @param finished whether nothing more can reach the stage
   * @param received tasks arrived
   * @param succeeded tasks succeeded
   * @param failed tasks failed for good
   * @param duplicates tasks skipped as duplicates
   * @param retries retry attempts
   * @param pending tasks queued
   * @param claimed tasks held by workers, running or about to
   * @param running tasks running now
   * @param unfinished tasks a cancelled run left
   * @param emitted outputs sent on
   * @param elapsedMs time since the stage started
   * @param rate tasks completed per second, recently
   * @param avgRate tasks completed per second since the stage started
   * @param backlog tasks still to come through this stage that are visible now: its own queued and
   *     claimed tasks plus those queued or claimed in every stage upstream of it
   * @param etaMs the time left at the recent rate ({@code backlog / rate}), null when unknown
   * @param progress completed / (completed + backlog), 0 to 1
   * @param delta the change since the previous snapshot
   */
  public record StageView(
      String name,
      @Nullable String kind,
      @Nullable String mode,
      @Nullable Integer workers,
      String execution,
      boolean cyclic,
      boolean finished,
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
      long elapsedMs,
      double rate,
      double avgRate,
      long backlog,
      @Nullable Long etaMs,
      double progress,
      Delta delta) {}

  /**
   * Figures of the whole run.
   *
   * @param completed outcomes reached, summed over stages
   * @param succeeded successes, summed over stages
   * @param failed failures for good, summed over stages
   * @param duplicates duplicates, summed over stages
   * @param open tasks queued or claimed anywhere
   * @param running tasks running anywhere
   * @param rate outcomes per second, recently, summed over stages
   * @param etaMs the longest time left of any stage, null when unknown
   * @param progress completed / (completed + open), 0 to 1
   */
  public record Totals(
      long completed,
      long succeeded,
      long failed,
      long duplicates,
      long open,
      long running,
      double rate,
      @Nullable Long etaMs,
      double progress) {}

  /**
   * A status snapshot of one run: what {@code GET /api/runs/{id}} returns and each {@code status}
   * event carries.
   *
   * @param runId the run id
   * @param graph the graph name
   * @param origin where the run runs: {@code local}, or the reporter's host and process
   * @param state RUNNING, COMPLETED, CANCELLED, or LOST (a remote run that stopped reporting)
   * @param startedAt when the run started, epoch milliseconds
   * @param elapsedMs how long it has run
   * @param controls whether this dashboard can act on the run (cancel, inject, ...)
   * @param seq the snapshot's number, increasing
   * @param totals figures of the whole run
   * @param failureCount failures in all
   * @param errorsByType failures per exception type, most frequent first
   * @param stages every stage, in the graph's order
   */
  public record RunView(
      String runId,
      String graph,
      String origin,
      String state,
      long startedAt,
      long elapsedMs,
      boolean controls,
      long seq,
      Totals totals,
      long failureCount,
      Map<String, Long> errorsByType,
      List<StageView> stages) {}

  /**
   * One run in the list of runs.
   *
   * @param runId the run id
   * @param graph the graph name
   * @param origin where it runs
   * @param state its state
   * @param startedAt epoch milliseconds
   * @param elapsedMs how long it ran
   * @param stages how many stages the graph has
   * @param completed outcomes reached, summed over stages
   * @param failureCount failures in all
   * @param progress 0 to 1
   */
  public record RunSummary(
      String runId,
      String graph,
      String origin,
      String state,
      long startedAt,
      long elapsedMs,
      int stages,
      long completed,
      long failureCount,
      double progress) {}

  /**
   * A failure in the error log.
   *
   * @param id its number within the run
   * @param stage the stage
   * @param type the exception type
   * @param types the exception type and its superclasses
   * @param message the message
   * @param task the task as JSON or text, shortened
   * @param attempts the attempts made
   * @param time when it failed, epoch milliseconds
   */
  public record FailureView(
      long id,
      String stage,
      String type,
      List<String> types,
      String message,
      String task,
      int attempts,
      long time) {}

  /**
   * A page of the error log.
   *
   * @param items the failures, newest first
   * @param matched how many matched the search
   * @param total failures in all
   * @param searchable how many can be searched
   * @param page the page, from 1
   * @param size the page size
   * @param byStage failures per stage
   * @param byType failures per type
   */
  public record FailurePageView(
      List<FailureView> items,
      long matched,
      long total,
      long searchable,
      int page,
      int size,
      Map<String, Long> byStage,
      Map<String, Long> byType) {}

  /**
   * One failure in full.
   *
   * @param failure the summary
   * @param taskJson the task as JSON for the injection editor, or null if it could not be written
   * @param stackTrace the stack trace
   */
  public record FailureDetail(FailureView failure, @Nullable String taskJson, String stackTrace) {}
}

package io.celestialflow.store;

import java.time.Instant;

/**
 * One stage's counters at one moment of a run, for charts over time.
 *
 * @param at when the snapshot was taken
 * @param stage the stage
 * @param received tasks that arrived so far
 * @param succeeded tasks that succeeded so far
 * @param failed tasks that failed for good so far
 * @param duplicates tasks skipped as duplicates so far
 * @param retries retry attempts so far
 * @param pending tasks waiting in the stage's inbox or for a retry
 * @param running tasks whose function was running
 * @param emitted outputs sent on so far
 */
public record StatsSnapshot(
    Instant at,
    String stage,
    long received,
    long succeeded,
    long failed,
    long duplicates,
    long retries,
    long pending,
    long running,
    long emitted) {}

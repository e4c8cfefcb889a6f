package io.celestialflow.redis;

/**
 * Counters of the graph side of one remote stage (or sink) in this JVM.
 *
 * @param run the run id in its result stream's key
 * @param sent task messages written to the task stream (resends included)
 * @param resent task messages written again after Redis restarted or a write failed
 * @param outstanding tasks sent whose result has not arrived
 * @param results results (and dead letters) that settled a task
 * @param duplicates results dropped because their task was already settled (or no longer awaited)
 * @param malformed result messages that broke the protocol
 */
public record RemoteStageStats(
    String run,
    long sent,
    long resent,
    long outstanding,
    long results,
    long duplicates,
    long malformed) {}

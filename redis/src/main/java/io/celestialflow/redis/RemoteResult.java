package io.celestialflow.redis;

import java.time.Instant;

/**
 * Where and when a remote task ran, for each result that settles a task: handed to the {@code
 * onResult} listener of a remote stage (on the thread that reads results, so keep it short).
 *
 * @param stage the stage name
 * @param id the task id
 * @param ok whether the task succeeded
 * @param worker the consumer name of the worker that ran it
 * @param delivery the delivery count when it ran (more than 1: it was reclaimed from another
 *     worker)
 * @param started when the worker started it
 * @param finished when the worker finished it
 */
public record RemoteResult(
    String stage,
    String id,
    boolean ok,
    String worker,
    long delivery,
    Instant started,
    Instant finished) {}

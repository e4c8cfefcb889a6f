package io.celestialflow.redis;

import org.jspecify.annotations.Nullable;

/**
 * A finished entry: what to write before it is acknowledged.
 *
 * @param held the entry
 * @param taskId the task id, when readable
 * @param reply the result stream, when readable
 * @param result the result message, or null when there is none to write
 * @param ttl the result stream's time to live in milliseconds (0: leave it)
 * @param deadLetter the dead letter to write, or null
 * @param failed whether the task ended with an error result
 * @param pack whether the result may be packed with others (its task said its reader reads packed
 *     results, docs/protocol.md section 3.5)
 */
record FinishedEntry(
    HeldEntry held,
    @Nullable String taskId,
    @Nullable String reply,
    @Nullable String result,
    long ttl,
    @Nullable String deadLetter,
    boolean failed,
    boolean pack) {}

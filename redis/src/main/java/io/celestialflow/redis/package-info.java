/**
 * The Redis bridge: stages whose tasks run in worker processes on any machine, over Redis Streams
 * with consumer groups.
 *
 * <ul>
 *   <li>{@link io.celestialflow.redis.RedisBridge} — the connection to one Redis server (address,
 *       namespace, reconnection policy) and the status of a stage's streams;
 *   <li>{@link io.celestialflow.redis.RemoteStage} — a stage, declared like any other, whose tasks
 *       run in remote workers and whose results flow downstream like a local stage's;
 *   <li>{@link io.celestialflow.redis.TaskRedisSink}, {@link io.celestialflow.redis.TaskRedisAck},
 *       {@link io.celestialflow.redis.TaskRedisSource} — the building blocks: append tasks, await
 *       results by task id, read a stream another graph produced;
 *   <li>{@link io.celestialflow.redis.RemoteWorker} — the Java worker that serves stages;
 *   <li>{@link io.celestialflow.redis.WorkerLauncher} — {@code --worker STAGE --redis URL} in every
 *       generated graph runner: the runner serves stages of its graph as a worker.
 * </ul>
 *
 * <p>The wire protocol, shared with the Go worker, is {@code docs/protocol.md}; the user guide is
 * {@code docs/redis.md}.
 */
@NullMarked
package io.celestialflow.redis;

import org.jspecify.annotations.NullMarked;

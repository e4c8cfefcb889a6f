package io.celestialflow.redis;

import io.celestialflow.TaskStage;
import io.celestialflow.codec.TaskCodec;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Results back by task id, for tasks a {@link TaskRedisSink} (built with replies) appended: the
 * original's {@code TaskRedisAck}, without its polling — results arrive on the sink's result stream
 * and are matched to ids as they come, each settled once. Made by {@link TaskRedisSink#ack(Class)}.
 *
 * @param <O> the result type
 */
public final class TaskRedisAck<O> {
  private final Exchange exchange;
  private final TaskCodec<Object> codec;

  TaskRedisAck(Exchange exchange, TaskCodec<Object> codec) {
    this.exchange = exchange;
    this.codec = codec;
  }

  /**
   * The result of one task. Each id may be awaited once.
   *
   * @param taskId an id the sink returned
   * @return completes with the worker's result, or fails with its error ({@link
   *     RemoteWorkerException}, {@link DeadLetterException}) or with {@link
   *     RedisUnavailableException}; fails at once for an id the sink is not waiting for
   */
  @SuppressWarnings("unchecked")
  public CompletableFuture<O> await(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    return (CompletableFuture<O>)
        (CompletableFuture<?>) exchange.await(taskId, r -> ResultDecoder.value(r, codec));
  }

  /**
   * A stage that turns task ids into results, at most {@value RemoteStage#DEFAULT_MAX_OUTSTANDING}
   * awaited at once, without a timeout.
   *
   * @param name the stage name
   * @return the stage
   */
  public TaskStage<String, O> stage(String name) {
    return stage(name, RemoteStage.DEFAULT_MAX_OUTSTANDING, null);
  }

  /**
   * A stage that turns task ids into results.
   *
   * @param name the stage name
   * @param maxOutstanding the most results awaited at once
   * @param timeout fails a task whose result has not come within it ({@code null}: no timeout)
   * @return the stage
   */
  public TaskStage<String, O> stage(String name, int maxOutstanding, @Nullable Duration timeout) {
    Durations.atLeast(maxOutstanding, 1, "maxOutstanding");
    return EngineAdapter.stage(
        name,
        EngineAdapter.Shape.MAP,
        id -> await((String) id),
        new EngineAdapter.Policy(maxOutstanding, null, timeout, false));
  }
}

package io.celestialflow.redis;

import io.celestialflow.Execution;
import io.celestialflow.GraphDefinitionException;
import io.celestialflow.RetryPolicy;
import io.celestialflow.TaskStage;
import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one place where the Redis bridge builds engine stages, through the runtime's public ASYNC
 * stage API only: a bridged stage is an asynchronous stage whose {@code CompletionStage} completes
 * when its result arrives from Redis, so the engine's accounting (received = succeeded + failed +
 * duplicates) holds with no engine change, and its async limit is the bridge's backpressure (the
 * most tasks outstanding). When the runtime's way of choosing a stage's execution changes, only
 * this class changes.
 */
final class EngineAdapter {
  private EngineAdapter() {}

  /** What the stage emits per task. */
  enum Shape {
    MAP,
    SPLITTER,
    CONSUMER
  }

  /** The policy a bridged stage passes through to the engine. */
  record Policy(
      int maxOutstanding,
      @Nullable RetryPolicy retry,
      @Nullable Duration timeout,
      boolean dedupe) {}

  @SuppressWarnings("unchecked")
  static <I, O> TaskStage<I, O> stage(
      String name, Shape shape, Function<Object, CompletionStage<?>> call, Policy policy) {
    TaskStage.Builder<I, O> b =
        switch (shape) {
          case MAP -> TaskStage.async(name, (I task) -> (CompletionStage<O>) call.apply(task));
          // A consumer is a splitter that emits nothing: the async API has no consumer, and a map
          // must not emit null.
          case SPLITTER, CONSUMER ->
              TaskStage.asyncSplitter(
                  name, (I task) -> (CompletionStage<Iterable<O>>) call.apply(task));
        };
    b.execution(Execution.async(policy.maxOutstanding()));
    RetryPolicy retry = policy.retry();
    if (retry != null) {
      b.retry(retry);
    }
    Duration timeout = policy.timeout();
    if (timeout != null) {
      b.timeout(timeout);
    }
    if (policy.dedupe()) {
      b.dedupe();
    }
    return b.build();
  }

  /** A codec for a stage's type, or a build-time error that names the stage and the role. */
  @SuppressWarnings("unchecked")
  static TaskCodec<Object> codec(CodecFactory codecs, Type type, String stage, String role) {
    try {
      return (TaskCodec<Object>) codecs.codec(type);
    } catch (CodecException e) {
      throw new GraphDefinitionException(
          "stage '"
              + stage
              + "': its "
              + role
              + " cannot travel through Redis as JSON ("
              + type.getTypeName()
              + "): "
              + e.getMessage());
    }
  }
}

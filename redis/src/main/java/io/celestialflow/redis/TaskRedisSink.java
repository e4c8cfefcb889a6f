package io.celestialflow.redis;

import io.celestialflow.GraphDefinitionException;
import io.celestialflow.TaskStage;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Appends tasks to a stage's task stream in pipelined batches: the building block under a remote
 * stage, for graphs that split sending from waiting, or that hand tasks to another graph.
 *
 * <ul>
 *   <li>To <b>workers</b>: build it {@link Builder#withReplies() withReplies()}, put its {@link
 *       #stage(String) stage} (which emits each task's id) before the stage of its {@link
 *       #ack(Class) ack} (which turns an id into the worker's result).
 *   <li>To <b>another graph</b>: without replies; the other graph reads the stream with a {@link
 *       TaskRedisSource}, and {@link #end(int)} tells its readers that no more tasks come.
 * </ul>
 *
 * <pre>{@code
 * TaskRedisSink<Integer> sink = TaskRedisSink.builder(redis, "demo", "square", Integer.class)
 *     .withReplies().build();
 * TaskRedisAck<Long> ack = sink.ack(Long.class);
 * TaskStage<Integer, String> send = sink.stage("send");
 * TaskStage<String, Long> await = ack.stage("await");
 * TaskGraph graph = TaskGraph.builder("demo").stages(send, await).edge(send, await).build();
 * }</pre>
 *
 * @param <T> the task type
 */
public final class TaskRedisSink<T> implements AutoCloseable {
  private final RedisBridge redis;
  private final Exchange exchange;
  private final CodecFactory codecs;
  private final boolean replies;

  private TaskRedisSink(Builder<T> b, Exchange exchange) {
    this.redis = b.redis;
    this.exchange = exchange;
    this.codecs = b.codecs;
    this.replies = b.replies;
  }

  /**
   * Starts configuring a sink into the task stream of {@code graph}'s stage {@code stage}.
   *
   * @param redis the bridge
   * @param graph the graph name in the stream's key
   * @param stage the stage name in the stream's key
   * @param taskType the task type
   * @param <T> the task type
   * @return a builder
   */
  public static <T> Builder<T> builder(
      RedisBridge redis, String graph, String stage, Class<T> taskType) {
    return new Builder<>(redis, graph, stage, taskType);
  }

  /**
   * Starts configuring a sink for a generic task type.
   *
   * @param redis the bridge
   * @param graph the graph name in the stream's key
   * @param stage the stage name in the stream's key
   * @param taskType the exact task type
   * @param <T> the task type
   * @return a builder
   */
  public static <T> Builder<T> builder(
      RedisBridge redis, String graph, String stage, Type taskType) {
    return new Builder<>(redis, graph, stage, taskType);
  }

  /**
   * Appends one task; it is written with the next batch.
   *
   * @param task the task
   * @return completes with the task's id once the task is in the stream (or fails: the task could
   *     not be encoded, Redis is unreachable)
   */
  public CompletableFuture<String> append(T task) {
    return exchange.send(Objects.requireNonNull(task, "task"));
  }

  /**
   * A stage that appends each task and emits its id once it is in the stream.
   *
   * @param name the stage name
   * @return the stage ({@link io.celestialflow.ExecutionMode#ASYNC ASYNC}, at most {@value
   *     RemoteStage#DEFAULT_MAX_OUTSTANDING} appends in flight)
   */
  public TaskStage<T, String> stage(String name) {
    return EngineAdapter.stage(
        name,
        EngineAdapter.Shape.MAP,
        task -> exchange.send(task),
        new EngineAdapter.Policy(RemoteStage.DEFAULT_MAX_OUTSTANDING, null, null, false));
  }

  /**
   * Appends end markers behind every task appended so far and waits until they are written: each
   * ends one {@link TaskRedisSource} reading the stream.
   *
   * @param readers how many readers to end (one marker each)
   * @throws RedisUnavailableException if Redis is unreachable
   * @throws IllegalStateException if the markers are not written within the reconnect timeout
   */
  public void end(int readers) {
    Durations.atLeast(readers, 1, "readers");
    List<CompletableFuture<String>> written = new ArrayList<>();
    RedisKeys keys = exchange.keys();
    for (int i = 0; i < readers; i++) {
      written.add(
          exchange.sendRaw(
              Wire.end(
                  keys.graph(),
                  keys.stage(),
                  exchange.run(),
                  exchange.count(),
                  System.currentTimeMillis())));
    }
    Duration wait = redis.reconnectTimeout().plusSeconds(5);
    try {
      CompletableFuture.allOf(written.toArray(new CompletableFuture<?>[0]))
          .get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing end markers", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("end markers not written", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "end markers not written within " + Durations.describe(wait), e);
    }
  }

  /** Appends one end marker; see {@link #end(int)}. */
  public void end() {
    end(1);
  }

  /**
   * Awaits the workers' results of the tasks this sink appended, by task id.
   *
   * @param resultType the type of each result (the workers' map output)
   * @param <O> the result type
   * @return the ack
   * @throws IllegalStateException if the sink was built without replies
   */
  public <O> TaskRedisAck<O> ack(Class<O> resultType) {
    return ack((Type) resultType);
  }

  /**
   * Awaits the workers' results, of a generic type.
   *
   * @param resultType the exact result type
   * @param <O> the result type
   * @return the ack
   */
  public <O> TaskRedisAck<O> ack(Type resultType) {
    if (!replies) {
      throw new IllegalStateException(
          "this sink was built without replies: use TaskRedisSink.builder(...).withReplies()");
    }
    TaskCodec<Object> codec =
        EngineAdapter.codec(codecs, resultType, exchange.keys().stage(), "result type");
    return new TaskRedisAck<>(exchange, codec);
  }

  /**
   * The id of this sink's run: in its result stream's key and in every task it appends.
   *
   * @return the run id
   */
  public String run() {
    return exchange.run();
  }

  /** Stops the sink: tasks not yet written, and results not yet received, fail. */
  @Override
  public void close() {
    exchange.close();
    redis.unregister(exchange);
  }

  /**
   * Configures a {@link TaskRedisSink}.
   *
   * @param <T> the task type
   */
  public static final class Builder<T> {
    private final RedisBridge redis;
    private final String graph;
    private final String stage;
    private final Type taskType;
    private boolean replies;
    private int batchSize = RemoteStage.DEFAULT_BATCH_SIZE;
    private String group = RedisBridge.DEFAULT_GROUP;
    private CodecFactory codecs = new GsonCodecFactory();
    private Duration resultTtl = Duration.ofDays(1);
    private java.util.function.@Nullable Consumer<RemoteResult> onResult;

    private Builder(RedisBridge redis, String graph, String stage, Type taskType) {
      this.redis = Objects.requireNonNull(redis, "redis");
      this.graph = Objects.requireNonNull(graph, "graph");
      this.stage = Objects.requireNonNull(stage, "stage");
      this.taskType = Objects.requireNonNull(taskType, "taskType");
    }

    /**
     * Makes every task carry a reply stream, for workers to answer ({@link #ack}).
     *
     * @return this builder
     */
    public Builder<T> withReplies() {
      this.replies = true;
      return this;
    }

    /**
     * Sets the most tasks per pipelined round trip (default {@value
     * RemoteStage#DEFAULT_BATCH_SIZE}).
     *
     * @param size at least 1
     * @return this builder
     */
    public Builder<T> batchSize(int size) {
      this.batchSize = Durations.atLeast(size, 1, "batchSize");
      return this;
    }

    /**
     * Sets the consumer group created on the stream (default {@code workers}; a {@link
     * TaskRedisSource} creates its own).
     *
     * @param group the group
     * @return this builder
     */
    public Builder<T> group(String group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * Sets the codecs (default Gson JSON).
     *
     * @param codecs the codec factory
     * @return this builder
     */
    public Builder<T> codecs(CodecFactory codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /**
     * Sets how long the result stream lives after the last result, should this JVM die (default 1
     * day).
     *
     * @param ttl positive
     * @return this builder
     */
    public Builder<T> resultTtl(Duration ttl) {
      this.resultTtl = Durations.positive(ttl, "resultTtl");
      return this;
    }

    /**
     * Receives where and when each task ran (with replies only).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder<T> onResult(java.util.function.Consumer<RemoteResult> listener) {
      this.onResult = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the sink; the task type is checked here.
     *
     * @return the sink
     * @throws GraphDefinitionException if the task type cannot travel as JSON
     */
    public TaskRedisSink<T> build() {
      TaskCodec<Object> codec = EngineAdapter.codec(codecs, taskType, stage, "task type");
      RedisKeys keys = redis.keys(graph, stage);
      Exchange exchange =
          redis.exchange(
              keys,
              () ->
                  new Exchange(
                      redis,
                      keys,
                      group,
                      replies ? Exchange.Mode.SEND_AWAIT : Exchange.Mode.SEND,
                      codec,
                      batchSize,
                      resultTtl,
                      onResult));
      return new TaskRedisSink<>(this, exchange);
    }
  }
}

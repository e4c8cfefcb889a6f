package io.celestialflow.redis;

import com.google.gson.JsonObject;
import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A lazy input that reads a task stream another graph (or machine) produced with a {@link
 * TaskRedisSink}: pass it to {@link io.celestialflow.RunBuilder#input(io.celestialflow.TaskStage,
 * Iterator)}. It reads through a consumer group, so several sources (in several JVMs) share one
 * stream, and it ends when it reads an end marker ({@link TaskRedisSink#end()}) — or, {@link
 * Builder#keepOpen() kept open}, only when it is {@link #close() closed}.
 *
 * <pre>{@code
 * try (TaskRedisSource<Order> orders =
 *     TaskRedisSource.builder(redis, "shop", "orders", Order.class).build()) {
 *   graph.newRun().input(ship, orders).run();
 * }
 * }</pre>
 *
 * <p>Delivery: an entry is acknowledged (and deleted) once the graph has taken it from the
 * iterator, in the round trip that fetches the next entries. Entries a dead reader had fetched but
 * not handed to its graph are claimed by the other readers after the idle-claim time. Malformed
 * entries go to the stream's dead-letter stream, with the reason, and are skipped. Each wait on
 * Redis is bounded (the block time; the bridge's reconnect timeout, after which {@code hasNext}
 * throws {@link RedisUnavailableException}).
 *
 * <p>Not thread-safe, like any iterator: one thread (the run's feeder) reads it; {@link #close()}
 * may come from any thread.
 *
 * @param <T> the task type
 */
public final class TaskRedisSource<T> implements Iterator<T>, AutoCloseable {
  private record Item(StreamEntryID id, Object value) {}

  private final RedisBridge redis;
  private final RedisKeys keys;
  private final String group;
  private final String consumer;
  private final TaskCodec<Object> codec;
  private final int batchSize;
  private final Duration idleClaim;
  private final Duration block;
  private final boolean keepOpen;
  private final Link link;

  private final ArrayDeque<Item> buffer = new ArrayDeque<>();
  private final List<StreamEntryID> toAck = new ArrayList<>();
  private final List<String> deadLetters = new ArrayList<>();
  private final List<String> requeued = new ArrayList<>();
  private final LongAdder received = new LongAdder();
  private final LongAdder dead = new LongAdder();
  private StreamEntryID cursor = new StreamEntryID(0, 0);
  private long nextClaim;
  private boolean finished;
  private volatile boolean closed;

  private TaskRedisSource(Builder<T> b) {
    this.redis = b.redis;
    this.keys = redis.keys(b.graph, b.stage);
    this.group = b.group;
    this.consumer =
        b.consumer != null
            ? b.consumer
            : "source-"
                + ProcessHandle.current().pid()
                + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
    this.codec = EngineAdapter.codec(b.codecs, b.taskType, b.stage, "task type");
    this.batchSize = b.batchSize;
    this.idleClaim = b.idleClaim;
    this.block = b.block;
    this.keepOpen = b.keepOpen;
    this.link =
        new Link(
            redis,
            "source " + consumer,
            new java.util.concurrent.atomic.AtomicReference<>(),
            j -> Exchange.createGroup(j, keys.tasks(), group),
            () -> {});
    this.nextClaim = System.nanoTime();
    redis.register(this);
  }

  /**
   * Starts configuring a source reading the task stream of {@code graph}'s stage {@code stage}.
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
   * Starts configuring a source of a generic task type.
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
   * Waits (in steps of the block time) until a task is available, the end marker was read, or the
   * source was closed.
   *
   * @return whether a task is available
   * @throws RedisUnavailableException if Redis stays unreachable longer than the reconnect timeout
   */
  @Override
  public boolean hasNext() {
    while (buffer.isEmpty()) {
      if (finished || closed) {
        acknowledge();
        return false;
      }
      try {
        fetch();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the source of stage '" + keys.stage() + "' has ended");
    }
    Item item = buffer.poll();
    toAck.add(Objects.requireNonNull(item).id());
    received.increment();
    return (T) item.value();
  }

  /**
   * How many tasks this source handed out, and how many entries it dead-lettered.
   *
   * @return {@code [received, deadLettered]}
   */
  public long[] counts() {
    return new long[] {received.sum(), dead.sum()};
  }

  /** One round trip: acknowledge what was handed out, dead-letter rejects, read more. */
  private void fetch() throws InterruptedException {
    StreamEntryID[] acks = toAck.toArray(new StreamEntryID[0]);
    List<String> deads = List.copyOf(deadLetters);
    boolean claim = System.nanoTime() - nextClaim >= 0;
    StreamEntryID from = cursor;
    List<StreamEntry> entries =
        link.call(
            j -> {
              Pipeline p = j.pipelined();
              for (String d : deads) {
                p.xadd(
                    keys.dead(),
                    XAddParams.xAddParams().maxLen(100_000).approximateTrimming(),
                    Map.of(Wire.FIELD, d));
              }
              if (acks.length > 0) {
                p.xack(keys.tasks(), group, acks);
                p.xdel(keys.tasks(), acks);
              }
              p.sync();
              List<StreamEntry> out = new ArrayList<>();
              if (claim) {
                Map.Entry<StreamEntryID, List<StreamEntry>> c =
                    j.xautoclaim(
                        keys.tasks(),
                        group,
                        consumer,
                        idleClaim.toMillis(),
                        from,
                        XAutoClaimParams.xAutoClaimParams().count(batchSize));
                cursor = c.getKey();
                for (StreamEntry e : c.getValue()) {
                  if (e.getFields() != null) {
                    out.add(e);
                  }
                }
                if (!out.isEmpty()) {
                  return out;
                }
              }
              try {
                var r =
                    j.xreadGroup(
                        group,
                        consumer,
                        XReadGroupParams.xReadGroupParams()
                            .count(batchSize)
                            .block((int) block.toMillis()),
                        Map.of(keys.tasks(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                if (r != null) {
                  for (var s : r) {
                    out.addAll(s.getValue());
                  }
                }
              } catch (JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                  throw e;
                }
                Exchange.createGroup(j, keys.tasks(), group);
              }
              return out;
            },
            () -> !closed);
    toAck.clear();
    deadLetters.clear();
    if (claim) {
      nextClaim = System.nanoTime() + Math.max(idleClaim.toNanos() / 4, 1_000_000);
    }
    for (StreamEntry e : entries) {
      accept(e);
    }
  }

  private void accept(StreamEntry e) {
    Object message;
    try {
      message = Wire.read(e.getFields(), Wire.Context.SOURCE, keys.graph(), keys.stage());
      if (message instanceof Wire.Task t) {
        try {
          buffer.add(
              new Item(
                  e.getID(),
                  codec.decode(t.payload().toString().getBytes(StandardCharsets.UTF_8))));
        } catch (CodecException x) {
          throw new Wire.Rejection(
              Wire.BAD_PAYLOAD,
              "the payload is not a " + codec.type().getTypeName() + ": " + x.getMessage(),
              Wire.parse(e.getFields()),
              null);
        }
        return;
      }
      toAck.add(e.getID()); // an end marker
      if (keepOpen) {
        return;
      }
      if (finished) {
        // Already ended by an earlier marker of this batch: this one is another reader's. Put it
        // back (a new entry at the end of the stream) before acknowledging it.
        requeued.add(e.getFields().get(Wire.FIELD));
        return;
      }
      finished = true;
    } catch (Wire.Rejection r) {
      JsonObject m = r.message;
      deadLetters.add(
          Wire.dead(
              new Wire.Dead(
                  r.code,
                  r.reason(),
                  e.getID().toString(),
                  keys.tasks(),
                  1,
                  consumer,
                  m,
                  m == null ? (r.raw == null ? Wire.raw(e.getFields()) : r.raw) : null,
                  Wire.ErrorInfo.protocol(Wire.MALFORMED_TASK, r.reason()),
                  r.member("id"),
                  r.member("graph"),
                  r.member("stage"),
                  r.member("run"),
                  r.member("reply"),
                  System.currentTimeMillis())));
      toAck.add(e.getID());
      dead.increment();
    }
  }

  private void acknowledge() {
    if (toAck.isEmpty() && deadLetters.isEmpty() && requeued.isEmpty()) {
      return;
    }
    StreamEntryID[] acks = toAck.toArray(new StreamEntryID[0]);
    List<String> deads = List.copyOf(deadLetters);
    List<String> again = List.copyOf(requeued);
    try {
      link.call(
          j -> {
            Pipeline p = j.pipelined();
            for (String d : deads) {
              p.xadd(keys.dead(), StreamEntryID.NEW_ENTRY, Map.of(Wire.FIELD, d));
            }
            for (String m : again) {
              p.xadd(keys.tasks(), StreamEntryID.NEW_ENTRY, Map.of(Wire.FIELD, m));
            }
            if (acks.length > 0) {
              p.xack(keys.tasks(), group, acks);
              p.xdel(keys.tasks(), acks);
            }
            p.sync();
            return null;
          },
          () -> true);
      toAck.clear();
      deadLetters.clear();
      requeued.clear();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Ends the source: {@link #hasNext()} returns false from its next step (at most the block time
   * later). Entries fetched but not handed out stay pending and are claimed by other readers after
   * the idle-claim time. Harmless if repeated.
   */
  @Override
  public void close() {
    closed = true;
    redis.unregister(this);
  }

  /**
   * Configures a {@link TaskRedisSource}.
   *
   * @param <T> the task type
   */
  public static final class Builder<T> {
    private final RedisBridge redis;
    private final String graph;
    private final String stage;
    private final Type taskType;
    private String group = "sources";
    private @Nullable String consumer;
    private int batchSize = 64;
    private Duration idleClaim = Duration.ofSeconds(30);
    private Duration block = Duration.ofMillis(200);
    private boolean keepOpen;
    private CodecFactory codecs = new GsonCodecFactory();

    private Builder(RedisBridge redis, String graph, String stage, Type taskType) {
      this.redis = Objects.requireNonNull(redis, "redis");
      this.graph = Objects.requireNonNull(graph, "graph");
      this.stage = Objects.requireNonNull(stage, "stage");
      this.taskType = Objects.requireNonNull(taskType, "taskType");
    }

    /**
     * Sets the consumer group the readers of this stream share (default {@code sources}).
     *
     * @param group the group
     * @return this builder
     */
    public Builder<T> group(String group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * Sets this reader's consumer name (default {@code source-<pid>-<random>}).
     *
     * @param consumer the name
     * @return this builder
     */
    public Builder<T> consumer(String consumer) {
      this.consumer = Objects.requireNonNull(consumer, "consumer");
      return this;
    }

    /**
     * Sets the most entries read per round trip (default 64).
     *
     * @param size at least 1
     * @return this builder
     */
    public Builder<T> batchSize(int size) {
      this.batchSize = Durations.atLeast(size, 1, "batchSize");
      return this;
    }

    /**
     * Sets how long an entry fetched by a dead reader waits before another claims it (default 30
     * s).
     *
     * @param idle positive
     * @return this builder
     */
    public Builder<T> idleClaim(Duration idle) {
      this.idleClaim = Durations.positive(idle, "idleClaim");
      return this;
    }

    /**
     * Sets how long one read waits for entries (default 200 ms): also how soon {@link
     * TaskRedisSource#close()} is noticed.
     *
     * @param block positive
     * @return this builder
     */
    public Builder<T> blockTime(Duration block) {
      this.block = Durations.positive(block, "blockTime");
      return this;
    }

    /**
     * Keeps the source open past end markers: it ends only when closed.
     *
     * @return this builder
     */
    public Builder<T> keepOpen() {
      this.keepOpen = true;
      return this;
    }

    /**
     * Sets the codecs (default Gson JSON); must match the sink's.
     *
     * @param codecs the codec factory
     * @return this builder
     */
    public Builder<T> codecs(CodecFactory codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /**
     * Builds the source; no connection is opened until it is read.
     *
     * @return the source
     * @throws io.celestialflow.GraphDefinitionException if the task type cannot travel as JSON
     */
    public TaskRedisSource<T> build() {
      return new TaskRedisSource<>(this);
    }
  }
}

package io.celestialflow.redis;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * A connection to one Redis server for the bridge: its address, the key namespace, the reconnection
 * policy, and the status of a stage's streams. Remote stages, sinks, acks and sources made with a
 * bridge use its connections; closing it stops them all.
 *
 * <pre>{@code
 * try (RedisBridge redis = RedisBridge.connect("redis://127.0.0.1:6379")) {
 *   TaskStage<Integer, Long> square =
 *       RemoteStage.map("square", Integer.class, Long.class).redis(redis).graph("demo").build();
 *   ...
 * }
 * }</pre>
 *
 * <p>Every wait on Redis is bounded: a connection attempt by the connect timeout, a lost connection
 * by the reconnect timeout, after which the work waiting for Redis fails with {@link
 * RedisUnavailableException} naming the address.
 */
public final class RedisBridge implements AutoCloseable {
  /** The default consumer group of workers. */
  public static final String DEFAULT_GROUP = "workers";

  private final String address;
  private final String namespace;
  private final Duration reconnectTimeout;
  private final JedisPool pool;
  private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();
  private final Map<RedisKeys, Exchange> exchanges = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private RedisBridge(Builder b) {
    URI uri = b.uri;
    String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();
    this.address = host + ":" + port;
    this.namespace = b.namespace;
    this.reconnectTimeout = b.reconnectTimeout;
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis((int) b.connectTimeout.toMillis())
            .socketTimeoutMillis((int) b.socketTimeout.toMillis())
            .ssl("rediss".equals(uri.getScheme()))
            .clientName("celestialflow")
            .resp2(); // what the bridge speaks; also stops Jedis 8 warning on each connection
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        config.password(decode(userInfo));
      } else {
        String user = decode(userInfo.substring(0, colon));
        if (!user.isEmpty()) {
          config.user(user);
        }
        config.password(decode(userInfo.substring(colon + 1)));
      }
    }
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      config.database(Integer.parseInt(path.substring(1)));
    }
    GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
    poolConfig.setMaxTotal(b.maxConnections);
    poolConfig.setMaxIdle(b.maxConnections);
    poolConfig.setMaxWait(b.connectTimeout);
    poolConfig.setJmxEnabled(false);
    this.pool = new JedisPool(poolConfig, new HostAndPort(host, port), config.build());
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /**
   * A bridge with default settings.
   *
   * @param uri {@code redis://[[user]:password@]host[:port][/database]} ({@code rediss://} for TLS)
   * @return the bridge; no connection is opened until one is needed
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static RedisBridge connect(String uri) {
    return builder(uri).build();
  }

  /**
   * Starts configuring a bridge.
   *
   * @param uri {@code redis://[[user]:password@]host[:port][/database]}
   * @return a builder
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static Builder builder(String uri) {
    return new Builder(uri);
  }

  /**
   * The server's address.
   *
   * @return {@code host:port}
   */
  public String address() {
    return address;
  }

  /**
   * The namespace every key starts with.
   *
   * @return the namespace (default {@code cf})
   */
  public String namespace() {
    return namespace;
  }

  /**
   * How long a lost connection is retried before the work waiting for it fails.
   *
   * @return the timeout
   */
  public Duration reconnectTimeout() {
    return reconnectTimeout;
  }

  /**
   * The keys of a stage in this bridge's namespace.
   *
   * @param graph the graph name
   * @param stage the stage name
   * @return the keys
   */
  public RedisKeys keys(String graph, String stage) {
    return new RedisKeys(namespace, graph, stage);
  }

  /**
   * Whether Redis answers now (one {@code PING}, bounded by the connect and socket timeouts).
   *
   * @return true if it answered
   */
  public boolean ping() {
    try (Jedis j = borrow()) {
      return "PONG".equals(j.ping());
    } catch (JedisException e) {
      return false;
    }
  }

  /**
   * The status of a stage's streams in the default consumer group; see {@link #status(String,
   * String, String)}.
   *
   * @param graph the graph name
   * @param stage the stage name
   * @return the status
   * @throws RedisUnavailableException if Redis does not answer
   */
  public QueueStatus status(String graph, String stage) {
    return status(graph, stage, DEFAULT_GROUP);
  }

  /**
   * The status of a stage's streams: the task stream's length (entries not yet acknowledged), the
   * group's pending count and lag, the dead-letter stream's length, every worker's last heartbeat,
   * and — if this bridge runs a remote stage or sink for it — that client's counters.
   *
   * @param graph the graph name
   * @param stage the stage name
   * @param group the consumer group
   * @return the status
   * @throws RedisUnavailableException if Redis does not answer
   */
  public QueueStatus status(String graph, String stage, String group) {
    RedisKeys keys = keys(graph, stage);
    try (Jedis j = borrow()) {
      long length = j.xlen(keys.tasks());
      long pending = 0;
      Long lag = null;
      boolean groupExists = false;
      try {
        for (StreamGroupInfo g : j.xinfoGroups(keys.tasks())) {
          if (g.getName().equals(group)) {
            groupExists = true;
            pending = g.getPending();
            Object l = g.getGroupInfo().get("lag");
            lag = l instanceof Number n ? n.longValue() : null;
          }
        }
      } catch (JedisDataException e) {
        // no such stream yet
      }
      long dead = j.xlen(keys.dead());
      List<WorkerHeartbeat> workers = new ArrayList<>();
      for (Map.Entry<String, String> w : j.hgetAll(keys.workers()).entrySet()) {
        WorkerHeartbeat hb = WorkerHeartbeat.parse(w.getKey(), w.getValue());
        if (hb != null) {
          workers.add(hb);
        }
      }
      workers.sort(Comparator.comparing(WorkerHeartbeat::consumer));
      Exchange ex = exchanges.get(keys);
      return new QueueStatus(
          graph,
          stage,
          keys.tasks(),
          length,
          pending,
          groupExists ? lag : null,
          dead,
          workers,
          ex == null ? null : ex.stats());
    } catch (JedisException e) {
      throw new RedisUnavailableException(address, e);
    }
  }

  /**
   * The dead letters of a stage, oldest first: what was moved out of its task stream and why.
   *
   * @param graph the graph name
   * @param stage the stage name
   * @param max the most to return
   * @return the dead letters as JSON text (docs/protocol.md section 3.4)
   */
  public List<String> deadLetters(String graph, String stage, int max) {
    try (Jedis j = borrow()) {
      List<String> out = new ArrayList<>();
      for (var e : j.xrange(keys(graph, stage).dead(), (StreamEntryID) null, null, max)) {
        String m = e.getFields().get(Wire.FIELD);
        if (m != null) {
          out.add(m);
        }
      }
      return out;
    } catch (JedisException e) {
      throw new RedisUnavailableException(address, e);
    }
  }

  /** A connection from the pool; the caller closes it (which returns it). */
  Jedis borrow() {
    if (closed) {
      throw new IllegalStateException("the Redis bridge to " + address + " is closed");
    }
    return pool.getResource();
  }

  boolean isClosed() {
    return closed;
  }

  void register(AutoCloseable client) {
    clients.add(client);
  }

  void unregister(AutoCloseable client) {
    clients.remove(client);
  }

  /**
   * A new exchange for a stage. Building the same stage again (a runner that rebuilds its graph)
   * gives another exchange with its own run id; {@link #status} reports the latest.
   */
  Exchange exchange(RedisKeys keys, java.util.function.Supplier<Exchange> create) {
    Exchange ex = create.get();
    exchanges.put(keys, ex);
    register(ex);
    return ex;
  }

  /**
   * Stops every remote stage, sink, ack and source made with this bridge (tasks still waiting for a
   * result fail) and closes the connections. Harmless if repeated.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    List<AutoCloseable> all = new ArrayList<>(clients);
    for (AutoCloseable c : all.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort: keep closing the others
      }
    }
    closed = true;
    clients.clear();
    exchanges.clear();
    pool.close();
  }

  @Override
  public String toString() {
    return "RedisBridge[" + address + ", namespace " + namespace + "]";
  }

  static @Nullable JsonObject parseObject(String json) {
    try {
      return JsonParser.parseString(json).getAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Instant instant(long millis) {
    return Instant.ofEpochMilli(millis);
  }

  /** Configures a {@link RedisBridge}. */
  public static final class Builder {
    private final URI uri;
    private String namespace = RedisKeys.DEFAULT_NAMESPACE;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration socketTimeout = Duration.ofSeconds(5);
    private Duration reconnectTimeout = Duration.ofSeconds(30);
    private int maxConnections = 64;

    private Builder(String uri) {
      Objects.requireNonNull(uri, "uri");
      try {
        this.uri = new URI(uri);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a Redis URI: " + uri + " (" + e.getMessage() + ")");
      }
      if (!"redis".equals(this.uri.getScheme()) && !"rediss".equals(this.uri.getScheme())) {
        throw new IllegalArgumentException(
            "not a Redis URI: " + uri + " (expected redis://host:port or rediss://host:port)");
      }
      if (this.uri.getHost() == null) {
        throw new IllegalArgumentException("not a Redis URI: " + uri + " (no host)");
      }
    }

    /**
     * Sets the namespace every key starts with (default {@code cf}), so several applications can
     * share one Redis.
     *
     * @param namespace matching {@code [A-Za-z0-9._-]+}
     * @return this builder
     */
    public Builder namespace(String namespace) {
      new RedisKeys(namespace, "g", "s"); // validates
      this.namespace = namespace;
      return this;
    }

    /**
     * Sets how long one connection attempt may take (default 2 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Durations.positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long a reply may take before the connection is considered lost (default 5 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = Durations.positive(timeout, "socketTimeout");
      return this;
    }

    /**
     * Sets how long a lost connection is retried (with backoff) before the work waiting for Redis
     * fails with {@link RedisUnavailableException} (default 30 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder reconnectTimeout(Duration timeout) {
      this.reconnectTimeout = Durations.positive(timeout, "reconnectTimeout");
      return this;
    }

    /**
     * Sets the most connections the bridge opens (default 64; each remote stage uses two).
     *
     * @param max at least 2
     * @return this builder
     */
    public Builder maxConnections(int max) {
      this.maxConnections = Durations.atLeast(max, 2, "maxConnections");
      return this;
    }

    /**
     * Builds the bridge. No connection is opened yet.
     *
     * @return the bridge
     */
    public RedisBridge build() {
      return new RedisBridge(this);
    }
  }
}

package io.celestialflow.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One thread's connection to Redis, kept open, with reconnection: a call that fails on the
 * connection (or on a server that is loading or busy) is tried again with capped exponential
 * backoff (50 ms doubling to 2 s, with jitter) until it succeeds, until the caller no longer wants
 * it, or until the bridge's reconnect timeout has passed since the outage began — then it fails
 * with {@link RedisUnavailableException} naming the address. Never used by two threads at once.
 *
 * <p>On every new connection the server's {@code run_id} is compared with the last one seen by any
 * link sharing {@code serverId}; a change means Redis restarted (and may have lost its streams),
 * and {@code onRestart} runs once per change.
 */
final class Link implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Link.class);
  private static final long FIRST_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 2000;

  /** A Redis call. */
  @FunctionalInterface
  interface Call<T extends @Nullable Object> {
    T apply(Jedis jedis);
  }

  private final RedisBridge bridge;
  private final String purpose;
  private final AtomicReference<@Nullable String> serverId;
  private final Consumer<Jedis> onConnect;
  private final Runnable onRestart;
  private @Nullable Jedis jedis;

  Link(
      RedisBridge bridge,
      String purpose,
      AtomicReference<@Nullable String> serverId,
      Consumer<Jedis> onConnect,
      Runnable onRestart) {
    this.bridge = bridge;
    this.purpose = purpose;
    this.serverId = serverId;
    this.onConnect = onConnect;
    this.onRestart = onRestart;
  }

  Link(RedisBridge bridge, String purpose) {
    this(bridge, purpose, new AtomicReference<>(), j -> {}, () -> {});
  }

  /** Runs a call, reconnecting as needed; see the class comment. */
  <T extends @Nullable Object> T call(Call<T> call, BooleanSupplier wanted)
      throws InterruptedException {
    long outageStart = 0;
    long backoff = FIRST_BACKOFF_MS;
    while (true) {
      try {
        return call.apply(connection());
      } catch (JedisException e) {
        if (!transientFailure(e)) {
          throw e;
        }
        drop();
        long now = System.nanoTime();
        if (outageStart == 0) {
          outageStart = now;
          log.warn(
              "{}: lost Redis at {} ({}); reconnecting", purpose, bridge.address(), e.toString());
        }
        Duration waited = Duration.ofNanos(now - outageStart);
        if (waited.compareTo(bridge.reconnectTimeout()) >= 0) {
          throw new RedisUnavailableException(bridge.address(), bridge.reconnectTimeout(), e);
        }
        if (!wanted.getAsBoolean()) {
          throw new InterruptedException(purpose + ": stopped while Redis was unreachable");
        }
        long jitter = ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
        Thread.sleep(
            Math.min(backoff + jitter, bridge.reconnectTimeout().minus(waited).toMillis() + 1));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Whether an error may pass if the call is tried again (connection lost, server loading). */
  static boolean transientFailure(JedisException e) {
    if (e instanceof JedisConnectionException) {
      return true;
    }
    if (e instanceof JedisDataException) {
      String m = String.valueOf(e.getMessage());
      return m.startsWith("LOADING")
          || m.startsWith("BUSY")
          || m.startsWith("MASTERDOWN")
          || m.startsWith("TRYAGAIN");
    }
    return e.getCause() instanceof java.io.IOException;
  }

  private Jedis connection() {
    Jedis j = jedis;
    if (j != null) {
      return j;
    }
    j = bridge.borrow();
    try {
      String id = serverRunId(j);
      String before = serverId.getAndSet(id);
      onConnect.accept(j);
      jedis = j;
      if (before != null && !before.equals(id)) {
        log.warn("{}: Redis at {} restarted (run_id changed)", purpose, bridge.address());
        onRestart.run();
      }
      return j;
    } catch (RuntimeException e) {
      j.close();
      throw e;
    }
  }

  private static String serverRunId(Jedis j) {
    String info = j.info("server");
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("run_id:")) {
        return line.substring(7).trim();
      }
    }
    return "";
  }

  /** Drops the current connection (after an error); the next call opens a new one. */
  void drop() {
    Jedis j = jedis;
    jedis = null;
    if (j != null) {
      try {
        j.close();
      } catch (RuntimeException e) {
        // already broken
      }
    }
  }

  @Override
  public void close() {
    drop();
  }
}

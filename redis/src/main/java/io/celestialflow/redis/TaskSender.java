package io.celestialflow.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

/**
 * An {@link Exchange}'s sender thread: drains the outbox in batches and writes each batch with one
 * pipeline of {@code XADD}s; while Redis is down, fails what is sent at once and probes for Redis
 * every 500 ms.
 */
final class TaskSender implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  private static final byte[] FIELD = Wire.FIELD.getBytes(StandardCharsets.UTF_8);
  private static final XAddParams NEW_ENTRY = XAddParams.xAddParams(); // id "*"

  private final Exchange exchange;
  private final byte[] tasksKey;

  TaskSender(Exchange exchange) {
    this.exchange = exchange;
    this.tasksKey = exchange.keys.tasks().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void run() {
    List<Pending> batch = new ArrayList<>(exchange.batchSize);
    try (Link link = exchange.link("sender", true)) {
      while (!exchange.closed) {
        if (exchange.down != null) {
          probe(link);
        }
        Pending p;
        while (batch.size() < exchange.batchSize && (p = exchange.outbox.poll()) != null) {
          if (exchange.mode == Exchange.Mode.SEND || !p.isDone()) {
            batch.add(p);
          }
        }
        if (batch.isEmpty()) {
          exchange.senderSleeping = true;
          if (exchange.outbox.isEmpty() && !exchange.closed) {
            LockSupport.parkNanos(exchange, TimeUnit.MILLISECONDS.toNanos(50));
          }
          exchange.senderSleeping = false;
          continue;
        }
        RedisUnavailableException unavailable = exchange.down;
        if (unavailable != null) {
          fail(batch, unavailable);
          batch.clear();
          continue;
        }
        try {
          write(link, batch);
          exchange.down = null;
        } catch (RedisUnavailableException e) {
          exchange.markDown(e);
          fail(batch, e);
        } catch (JedisException e) {
          log.error("stage '{}': Redis refused a batch of tasks", exchange.keys.stage(), e);
          fail(batch, new IllegalStateException("Redis refused the task: " + e.getMessage(), e));
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      // closed
    } catch (RuntimeException | Error e) {
      log.error("stage '{}': the Redis sender stopped", exchange.keys.stage(), e);
      exchange.markDown(new RedisUnavailableException(exchange.bridge.address(), e));
    }
  }

  /** While Redis is considered exchange.down: one connection attempt every 500 ms. */
  private void probe(Link link) {
    if (!exchange.probeDue()) {
      return;
    }
    try {
      link.call(Jedis::ping, () -> false);
      exchange.down = null;
      log.info(
          "stage '{}': Redis at {} is reachable again",
          exchange.keys.stage(),
          exchange.bridge.address());
    } catch (RuntimeException | InterruptedException e) {
      // still down
    }
  }

  /**
   * Writes a batch with one pipeline of binary {@code XADD}s: the stream key and field name encoded
   * once, not per task, and the new entries' ids left as bytes (only errors are looked at).
   */
  private void write(Link link, List<Pending> batch) throws InterruptedException {
    List<Response<byte[]>> ids =
        link.call(
            j -> {
              Pipeline pipe = j.pipelined();
              List<Response<byte[]>> rs = new ArrayList<>(batch.size());
              for (Pending q : batch) {
                rs.add(
                    pipe.xadd(
                        tasksKey,
                        NEW_ENTRY,
                        Map.of(FIELD, q.message.getBytes(StandardCharsets.UTF_8))));
              }
              pipe.sync();
              return rs;
            },
            () -> !exchange.closed);
    for (int i = 0; i < batch.size(); i++) {
      Pending q = batch.get(i);
      try {
        ids.get(i).get();
        q.sent = true;
        exchange.sent.increment();
        q.wrote();
      } catch (JedisDataException e) {
        IllegalStateException error =
            new IllegalStateException("Redis refused the task: " + e.getMessage(), e);
        q.fail(error);
      }
    }
  }

  private void fail(List<Pending> batch, RuntimeException error) {
    for (Pending q : batch) {
      q.fail(error);
    }
  }
}

package io.celestialflow.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * An {@link Exchange}'s reader thread: reads the run's result stream and the stage's dead-letter
 * stream with one blocking {@code XREAD}, deletes the results it read in the next round trip, and
 * settles tasks by id: the first result (or dead letter) completes a task's future, any later one
 * is counted as a duplicate.
 */
final class ResultReader implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);
  private static final int READ_COUNT = 1024;
  private static final int BLOCK_MS = 100;

  private final Exchange exchange;

  ResultReader(Exchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public void run() {
    String results = java.util.Objects.requireNonNull(exchange.resultsKey);
    StreamEntryID lastResult = new StreamEntryID(0, 0);
    StreamEntryID lastDead = null;
    List<StreamEntryID> consumed = new ArrayList<>();
    boolean idleRead = false;
    try (Link link = exchange.link("reader", false)) {
      while (!exchange.closed) {
        if (exchange.resetReader) {
          exchange.resetReader = false;
          lastResult = new StreamEntryID(0, 0);
          lastDead = new StreamEntryID(0, 0);
          consumed.clear();
        }
        if (exchange.pending.isEmpty() && consumed.isEmpty() && !idleRead) {
          // Nothing to wait for: sleep until a task is sent, or for a second, then read once to
          // drain late results (duplicates of settled tasks), so they are counted and deleted.
          exchange.readerSleeping = true;
          if (exchange.pending.isEmpty() && !exchange.closed) {
            LockSupport.parkNanos(exchange, TimeUnit.SECONDS.toNanos(1));
          }
          exchange.readerSleeping = false;
          idleRead = true;
          continue;
        }
        idleRead = false;
        try {
          if (lastDead == null) {
            lastDead = link.call(j -> lastId(j, exchange.deadKey), () -> !exchange.closed);
          }
          Map<String, StreamEntryID> from = new LinkedHashMap<>();
          from.put(results, lastResult);
          from.put(exchange.deadKey, lastDead);
          StreamEntryID[] delete = consumed.toArray(new StreamEntryID[0]);
          List<Map.Entry<String, List<StreamEntry>>> data =
              link.call(
                  j -> {
                    Pipeline pipe = j.pipelined();
                    if (delete.length > 0) {
                      pipe.xdel(results, delete);
                    }
                    Response<List<Map.Entry<String, List<StreamEntry>>>> r =
                        pipe.xread(
                            XReadParams.xReadParams().count(READ_COUNT).block(BLOCK_MS), from);
                    pipe.sync();
                    return r.get();
                  },
                  () -> !exchange.closed);
          consumed.clear();
          exchange.down = null;
          if (data == null) {
            continue;
          }
          for (Map.Entry<String, List<StreamEntry>> stream : data) {
            boolean isResults = stream.getKey().equals(results);
            for (StreamEntry e : stream.getValue()) {
              if (isResults) {
                consumed.add(e.getID());
                lastResult = e.getID();
                onResult(e);
              } else {
                lastDead = e.getID();
                onDead(e);
              }
            }
          }
        } catch (RedisUnavailableException e) {
          exchange.markDown(e);
        } catch (JedisException e) {
          log.error("stage '{}': reading results failed", exchange.keys.stage(), e);
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      // closed
    } catch (RuntimeException | Error e) {
      log.error("stage '{}': the Redis result reader stopped", exchange.keys.stage(), e);
      exchange.markDown(new RedisUnavailableException(exchange.bridge.address(), e));
    }
  }

  private static StreamEntryID lastId(Jedis j, String stream) {
    List<StreamEntry> last = j.xrevrange(stream, (StreamEntryID) null, null, 1);
    return last.isEmpty() ? new StreamEntryID(0, 0) : last.get(0).getID();
  }

  private void onResult(StreamEntry e) {
    Wire.Result r;
    try {
      r = Wire.readResult(e.getFields(), exchange.keys.graph(), exchange.keys.stage());
    } catch (Wire.Rejection x) {
      exchange.malformed.increment();
      log.warn("stage '{}': malformed result {}: {}", exchange.keys.stage(), e.getID(), x.reason());
      String id = x.member("id");
      String taskRun = x.member("run");
      Pending p =
          id == null || taskRun == null ? null : exchange.pending.get(Exchange.key(taskRun, id));
      if (p != null
          && p.completeExceptionally(
              new DeadLetterException(
                  x.code, Wire.MALFORMED_TASK, "malformed result: " + x.reason(), "?"))) {
        exchange.settled.increment();
      }
      return;
    }
    Pending p = exchange.pending.get(Exchange.key(r.run(), r.id()));
    if (p == null || p.isDone()) {
      exchange.duplicates.increment();
      return;
    }
    // The listener hears of the result before anyone waiting for the task does.
    Consumer<RemoteResult> l = exchange.listener;
    if (l != null) {
      try {
        l.accept(
            new RemoteResult(
                r.stage(),
                r.id(),
                r.ok(),
                r.worker(),
                r.delivery(),
                RedisBridge.instant(r.started()),
                RedisBridge.instant(r.finished())));
      } catch (RuntimeException x) {
        log.warn("stage '{}': the onResult listener failed", exchange.keys.stage(), x);
      }
    }
    if (p.settle(r)) {
      exchange.settled.increment();
    } else {
      exchange.duplicates.increment(); // a dead letter settled it a moment ago
    }
  }

  private void onDead(StreamEntry e) {
    Wire.Dead d;
    try {
      d = Wire.readDead(e.getFields());
    } catch (Wire.Rejection x) {
      return; // not ours to judge
    }
    // Ours if it names a task of ours by run and id and, when it says, was sent to our results.
    String id = d.id();
    String taskRun = d.run();
    String reply = d.reply();
    if (id == null || taskRun == null || (reply != null && !reply.equals(exchange.resultsKey))) {
      return;
    }
    Pending p = exchange.pending.get(Exchange.key(taskRun, id));
    if (p != null) {
      Wire.ErrorInfo err = d.error();
      String type =
          d.code().equals(Wire.MAX_DELIVERIES) ? Wire.DELIVERY_LIMIT : Wire.MALFORMED_TASK;
      String reason = err != null && !err.message().isEmpty() ? err.message() : d.reason();
      if (p.completeExceptionally(new DeadLetterException(d.code(), type, reason, d.worker()))) {
        exchange.settled.increment();
      }
    }
  }
}

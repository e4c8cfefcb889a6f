package io.celestialflow.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
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
  private static final byte[] START = {'0', '-', '0'};

  private final Exchange exchange;

  ResultReader(Exchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public void run() {
    String results = java.util.Objects.requireNonNull(exchange.resultsKey);
    byte[] resultsKey = results.getBytes(StandardCharsets.UTF_8);
    byte[] deadKey = exchange.deadKey.getBytes(StandardCharsets.UTF_8);
    byte[] lastResult = START;
    byte[] lastDead = null;
    List<byte[]> consumed = new ArrayList<>();
    boolean idleRead = false;
    try (Link link = exchange.link("reader", false)) {
      while (!exchange.closed) {
        if (exchange.resetReader) {
          exchange.resetReader = false;
          lastResult = START;
          lastDead = START;
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
          byte[][] delete = consumed.toArray(new byte[0][]);
          byte[] fromResult = lastResult;
          byte[] fromDead = lastDead;
          List<Object> data =
              link.call(
                  j -> {
                    Pipeline pipe = j.pipelined();
                    if (delete.length > 0) {
                      pipe.xdel(resultsKey, delete);
                    }
                    Response<List<Object>> r =
                        pipe.xread(
                            XReadParams.xReadParams().count(READ_COUNT).block(BLOCK_MS),
                            Map.entry(resultsKey, fromResult),
                            Map.entry(deadKey, fromDead));
                    pipe.sync();
                    return r.get();
                  },
                  () -> !exchange.closed);
          consumed.clear();
          exchange.down = null;
          if (data == null) {
            continue;
          }
          // The binary reply as Redis sends it (RESP2: per stream its key and entries, per entry
          // its id and fields): no entry id parsed, no map of fields made, the ids kept as bytes
          // for the next read and the next XDEL.
          for (Object stream : data) {
            List<?> s = (List<?>) stream;
            boolean isResults = Arrays.equals((byte[]) s.get(0), resultsKey);
            for (Object entry : (List<?>) s.get(1)) {
              List<?> e = (List<?>) entry;
              byte[] id = (byte[]) e.get(0);
              List<?> fields = e.get(1) instanceof List<?> f ? f : List.of();
              if (isResults) {
                consumed.add(id);
                lastResult = id;
                onEntry(id, fields);
              } else {
                lastDead = id;
                onDead(fields);
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

  /** The value of field {@code m} of an entry's field list (the last, as in a map), or null. */
  private static @Nullable String message(List<?> fields) {
    byte[] m = null;
    for (int k = 0; k + 1 < fields.size(); k += 2) {
      if (fields.get(k) instanceof byte[] f && f.length == 1 && f[0] == 'm') {
        m = fields.get(k + 1) instanceof byte[] v ? v : null;
      }
    }
    return m == null ? null : new String(m, StandardCharsets.UTF_8);
  }

  /** An entry's fields as a map (for the checking reader: a message off the fast path). */
  private static Map<String, String> fieldMap(List<?> fields) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int k = 0; k + 1 < fields.size(); k += 2) {
      if (fields.get(k) instanceof byte[] f && fields.get(k + 1) instanceof byte[] v) {
        out.put(new String(f, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static byte[] lastId(Jedis j, String stream) {
    List<StreamEntry> last = j.xrevrange(stream, (StreamEntryID) null, null, 1);
    return last.isEmpty() ? START : last.get(0).getID().toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A result-stream entry: one result, or a pack of them (docs/protocol.md section 3.5). */
  private void onEntry(byte[] entry, List<?> fields) {
    String m = message(fields);
    List<?> pack;
    try {
      pack = ResultPack.unpack(m, exchange.keys.graph(), exchange.keys.stage());
    } catch (Wire.Rejection x) {
      malformed("results", entry, x);
      return;
    }
    if (pack == null) {
      onResult(entry, m, fields);
      return;
    }
    for (Object result : pack) {
      if (result instanceof Wire.Result r) {
        settle(r);
      } else {
        onResult(entry, (String) result, null);
      }
    }
  }

  /**
   * One result message {@code m}: read on the fast path, else by the checking reader from {@code
   * fields} (the entry's fields; null for a result of a pack, whose message is all there is).
   */
  private void onResult(byte[] entry, @Nullable String m, @Nullable List<?> fields) {
    String graph = exchange.keys.graph();
    String stage = exchange.keys.stage();
    Wire.Result r;
    try {
      r =
          WireFastPath.read(m, Wire.Context.RESULTS, graph, stage) instanceof Wire.Result fast
              ? fast
              : Wire.readResult(
                  fields != null ? fieldMap(fields) : Map.of(Wire.FIELD, String.valueOf(m)),
                  graph,
                  stage);
    } catch (Wire.Rejection x) {
      malformed("result", entry, x);
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
    settle(r);
  }

  /** Counts and logs an entry that holds a malformed {@code what} ("result" or "results"). */
  private void malformed(String what, byte[] entry, Wire.Rejection x) {
    exchange.malformed.increment();
    log.warn(
        "stage '{}': malformed {} {}: {}",
        exchange.keys.stage(),
        what,
        new String(entry, StandardCharsets.UTF_8),
        x.reason());
  }

  /** A result read: the first for its task settles it; any later one is a duplicate. */
  private void settle(Wire.Result r) {
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

  private void onDead(List<?> fields) {
    Wire.Dead d;
    try {
      d = Wire.readDead(fieldMap(fields));
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

package io.celestialflow.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The worker's writer thread: commits finished entries in batches — results and dead letters
 * written, then the entries acknowledged and deleted, in one atomic script call per batch — and
 * lets go of them.
 */
final class ResultWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);
  private static final int WRITE_BATCH = 512;

  /** About how many bytes of results one packed entry holds (docs/protocol.md section 3.5). */
  static final int PACK_BYTES = 65536;

  private final WorkerState state;

  ResultWriter(WorkerState state) {
    this.state = state;
  }

  @Override
  public void run() {
    String consumer = state.consumer();
    List<FinishedEntry> batch = new ArrayList<>(WRITE_BATCH);
    try (Link link = state.link("writer")) {
      while (true) {
        FinishedEntry d;
        while (batch.size() < WRITE_BATCH && (d = state.done.poll()) != null) {
          batch.add(d);
        }
        if (batch.isEmpty()) {
          if (state.stopped()) {
            return;
          }
          state.writerSleeping = true;
          if (state.done.isEmpty()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
          }
          state.writerSleeping = false;
          continue;
        }
        try {
          commit(link, batch);
          batch.clear();
        } catch (RedisUnavailableException e) {
          if (state.stopped()) {
            log.warn(
                "worker {}: {}; {} results not written", consumer, e.getMessage(), batch.size());
            return;
          }
          log.warn(
              "worker {}: {}; keeping {} results to write", consumer, e.getMessage(), batch.size());
        } catch (JedisException e) {
          log.error("worker {}: writing results failed; the entries stay pending", consumer, e);
          for (FinishedEntry x : batch) {
            state.committed(x);
          }
          batch.clear();
        }
      }
    } catch (InterruptedException e) {
      // stopped
    } catch (RuntimeException | Error e) {
      log.error("worker {}: the writer stopped", consumer, e);
    }
  }

  /**
   * Commits a batch with {@link Scripts#COMMIT}: per entry, its dead letter and result, then {@code
   * XACK} + {@code XDEL}, all in one atomic call and one round trip. An entry another worker has
   * claimed meanwhile (this one stalled past the idle-claim time) is that worker's to finish:
   * nothing is written for it. An entry whose result stream key holds something else than a stream
   * stays pending (and ends as a dead letter after the delivery limit).
   */
  private void commit(Link link, List<FinishedEntry> batch) throws InterruptedException {
    WorkerSettings settings = state.settings;
    var hook = settings.beforeCommit();
    if (hook != null) {
      List<RemoteWorker.Written> w = new ArrayList<>(batch.size());
      for (FinishedEntry d : batch) {
        w.add(
            new RemoteWorker.Written(d.held().stage.stream(), d.held().id, d.taskId(), d.reply()));
      }
      hook.accept(w);
    }
    Object reply = null;
    if (packable(batch)) {
      // All or nothing: 'again' means an entry was lost or the reply key is bad; the form entry
      // by entry below then says which.
      reply =
          run(
              link,
              List.of(batch.get(0).held().stage.stream(), batch.get(0).reply()),
              packed(batch));
    }
    if (!(reply instanceof List<?> l && l.size() == 2)) {
      List<String> keys = new ArrayList<>();
      List<byte[]> args = arguments(batch, keys);
      reply = run(link, keys, args);
    }
    Set<String> lost = Set.of();
    Set<String> bad = Set.of();
    if (reply instanceof List<?> l && l.size() == 2) {
      lost = ids(l.get(0));
      bad = ids(l.get(1));
    }
    for (FinishedEntry d : batch) {
      state.committed(d);
      String entry = d.held().id.toString();
      if (lost.contains(entry)) {
        log.warn(
            "worker {}: stage '{}' entry {} was claimed by another worker while held here;"
                + " its result is dropped",
            settings.consumer(),
            d.held().stage.name(),
            entry);
      } else if (bad.contains(entry)) {
        log.error(
            "worker {}: stage '{}' entry {}: its result key {} holds something other than a"
                + " stream; the entry stays pending",
            settings.consumer(),
            d.held().stage.name(),
            entry,
            d.reply());
      } else if (d.deadLetter() != null) {
        state.deadLettered.increment();
      } else {
        state.processed.increment();
        if (d.failed()) {
          state.failed.increment();
        }
      }
    }
    state.wakeReader();
  }

  private Object run(Link link, List<String> keys, List<byte[]> args) throws InterruptedException {
    List<byte[]> keyBytes = new ArrayList<>(keys.size());
    for (String k : keys) {
      keyBytes.add(bytes(k));
    }
    return link.call(
        j -> Scripts.COMMIT.runBinary(j, keyBytes, args), () -> !state.stopped() || !state.forced);
  }

  /**
   * Whether the batch can take the packed form (docs/protocol.md sections 3.5 and 5.2): results
   * only, of one stage, to one reply stream whose reader reads packs (every task said {@code
   * pack}), with one ttl.
   */
  private static boolean packable(List<FinishedEntry> batch) {
    FinishedEntry first = batch.get(0);
    for (FinishedEntry d : batch) {
      if (!d.pack()
          || d.deadLetter() != null
          || d.result() == null
          || d.held().stage != first.held().stage
          || !Objects.equals(d.reply(), first.reply())
          || d.ttl() != first.ttl()) {
        return false;
      }
    }
    return first.reply() != null;
  }

  /**
   * The packed form's arguments: KEYS[1] the task stream, KEYS[2] the reply stream; the results
   * joined into packs of about {@value #PACK_BYTES} bytes, as the graph's reader reads them.
   */
  private List<byte[]> packed(List<FinishedEntry> batch) {
    List<String> results = new ArrayList<>(batch.size());
    long left = 0; // the characters of results not packed yet, to size each pack's builder
    for (FinishedEntry d : batch) {
      String result = Objects.requireNonNull(d.result(), "a packable batch has every result");
      results.add(result);
      left += result.length() + 1;
    }
    List<byte[]> packs = new ArrayList<>();
    StringBuilder pack = null;
    for (String result : results) {
      if (pack == null) {
        int size = (int) Math.min(left, PACK_BYTES + result.length());
        pack = new StringBuilder(ResultPack.HEAD.length() + size + 2).append(ResultPack.HEAD);
      } else {
        pack.append(',');
      }
      pack.append(result);
      left -= result.length() + 1;
      if (pack.length() >= PACK_BYTES) {
        packs.add(bytes(pack.append("]}").toString()));
        pack = null;
      }
    }
    if (pack != null) {
      packs.add(bytes(pack.append("]}").toString()));
    }
    List<byte[]> args = new ArrayList<>(11 + packs.size() + batch.size());
    args.add(bytes(state.settings.group()));
    args.add(bytes(state.settings.consumer()));
    args.add(PACKED_FORM);
    args.add(ONE); // KEYS[1]: the task stream
    args.add(number(batch.size()));
    addRange(args, batch);
    args.add(number(2)); // KEYS[2]: the reply stream
    args.add(number(batch.get(0).ttl()));
    args.add(number(packs.size()));
    args.addAll(packs);
    for (FinishedEntry d : batch) {
      args.add(bytes(d.held().id.toString()));
    }
    return args;
  }

  /**
   * The script's arguments for a batch (docs/protocol.md section 5.2), encoded here, the repeated
   * ones (counts, modes, ttls, key indexes) once; fills {@code keys}.
   */
  private List<byte[]> arguments(List<FinishedEntry> batch, List<String> keys) {
    WorkerSettings settings = state.settings;
    Map<String, byte[]> index = new HashMap<>();
    Map<ServedStage, List<FinishedEntry>> byStage = new LinkedHashMap<>();
    for (FinishedEntry d : batch) {
      byStage.computeIfAbsent(d.held().stage, k -> new ArrayList<>()).add(d);
    }
    List<byte[]> args = new ArrayList<>(2 + 4 * byStage.size() + batch.size() * 6);
    args.add(bytes(settings.group()));
    args.add(bytes(settings.consumer()));
    byte[] cap = null;
    // The last append written: an entry whose one append is the same but for its message is
    // written in the short form (id, '=', message).
    byte[] lastKey = null;
    byte[] lastMode = null;
    long lastNum = -1;
    byte[] lastNumText = ZERO;
    for (Map.Entry<ServedStage, List<FinishedEntry>> e : byStage.entrySet()) {
      List<FinishedEntry> ds = e.getValue();
      args.add(keyIndex(keys, index, e.getKey().stream()));
      args.add(number(ds.size()));
      addRange(args, ds);
      for (FinishedEntry d : ds) {
        args.add(bytes(d.held().id.toString()));
        String dead = d.deadLetter();
        String reply = d.reply();
        String result = d.result();
        if (dead == null && reply != null && result != null) {
          byte[] key = keyIndex(keys, index, reply);
          long ttl = d.ttl();
          if (key == lastKey && lastMode == MODE_RESULT && ttl == lastNum) {
            args.add(SAME);
            args.add(bytes(result));
            continue;
          }
          if (ttl != lastNum) {
            lastNumText = number(ttl);
          }
          args.add(ONE);
          args.add(key);
          args.add(MODE_RESULT);
          args.add(lastNumText);
          args.add(bytes(result));
          lastKey = key;
          lastMode = MODE_RESULT;
          lastNum = ttl;
          continue;
        }
        args.add(number((dead != null ? 1 : 0) + (reply != null && result != null ? 1 : 0)));
        if (dead != null) {
          if (cap == null) {
            cap = number(settings.deadLetterCap());
          }
          lastKey = keyIndex(keys, index, d.held().stage.dead);
          lastMode = MODE_DEAD;
          lastNum = settings.deadLetterCap();
          lastNumText = cap;
          args.add(lastKey);
          args.add(MODE_DEAD);
          args.add(cap);
          args.add(bytes(dead));
        }
        if (reply != null && result != null) {
          // A dead letter's error result is optional: a reply key that is not a stream must not
          // keep a poison entry from leaving its task stream.
          lastKey = keyIndex(keys, index, reply);
          lastMode = MODE_OPTIONAL;
          lastNum = 0;
          lastNumText = ZERO;
          args.add(lastKey);
          args.add(MODE_OPTIONAL);
          args.add(ZERO);
          args.add(bytes(result));
        }
      }
    }
    return args;
  }

  /** Adds the lowest and the highest entry id of {@code ds}: the range of the script's XPENDING. */
  private static void addRange(List<byte[]> args, List<FinishedEntry> ds) {
    StreamEntryID lo = ds.get(0).held().id;
    StreamEntryID hi = lo;
    for (FinishedEntry d : ds) {
      StreamEntryID id = d.held().id;
      lo = id.compareTo(lo) < 0 ? id : lo;
      hi = id.compareTo(hi) > 0 ? id : hi;
    }
    args.add(bytes(lo.toString()));
    args.add(bytes(hi.toString()));
  }

  private static final byte[] MODE_RESULT = {'r'};
  private static final byte[] PACKED_FORM = {'P'};
  private static final byte[] MODE_OPTIONAL = {'o'};
  private static final byte[] MODE_DEAD = {'d'};
  private static final byte[] ZERO = {'0'};
  private static final byte[] ONE = {'1'};
  private static final byte[] SAME = {'='};

  private static byte[] number(long n) {
    return n == 1 ? ONE : n == 0 ? ZERO : bytes(Long.toString(n));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] keyIndex(List<String> keys, Map<String, byte[]> index, String key) {
    return index.computeIfAbsent(
        key,
        k -> {
          keys.add(k);
          return number(keys.size());
        });
  }

  /** The entry ids in a script's reply list. */
  static Set<String> ids(@Nullable Object reply) {
    if (!(reply instanceof List<?> l) || l.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (Object o : l) {
      if (o instanceof String str) {
        out.add(str);
      } else if (o instanceof byte[] b) {
        out.add(new String(b, StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}

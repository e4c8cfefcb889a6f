package io.celestialflow.redis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The worker's reader thread: reads new entries of every served stage with {@code XREADGROUP}
 * (blocking), as many as the worker has room for, and gives them to the {@link TaskRunner}.
 */
final class TaskReader implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);

  private final WorkerState state;
  private final TaskRunner runner;

  TaskReader(WorkerState state, TaskRunner runner) {
    this.state = state;
    this.runner = runner;
  }

  @Override
  public void run() {
    WorkerSettings settings = state.settings;
    String consumer = settings.consumer();
    Map<String, StreamEntryID> from = new LinkedHashMap<>();
    Map<String, ServedStage> byStream = new LinkedHashMap<>();
    for (ServedStage s : state.stages()) {
      from.put(s.stream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
      byStream.put(s.stream(), s);
    }
    try (Link link = state.link("reader")) {
      while (state.running()) {
        int free = Math.min(settings.batchSize(), state.free());
        if (free < state.least()) {
          state.readerSleeping = true;
          if (state.free() < state.least() && state.running()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
          }
          state.readerSleeping = false;
          continue;
        }
        List<Map.Entry<String, List<StreamEntry>>> data;
        try {
          data =
              link.call(
                  j -> {
                    try {
                      return j.xreadGroup(
                          settings.group(),
                          consumer,
                          XReadGroupParams.xReadGroupParams()
                              .count(free)
                              .block((int) settings.block().toMillis()),
                          from);
                    } catch (JedisDataException e) {
                      if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                        state.createGroups(j);
                        return null;
                      }
                      throw e;
                    }
                  },
                  state::running);
        } catch (RedisUnavailableException e) {
          log.warn("worker {}: {}; still trying", consumer, e.getMessage());
          continue;
        } catch (JedisException e) {
          log.error("worker {}: reading tasks failed", consumer, e);
          Thread.sleep(200);
          continue;
        }
        if (data == null) {
          continue;
        }
        for (Map.Entry<String, List<StreamEntry>> stream : data) {
          ServedStage s = byStream.get(stream.getKey());
          if (s != null) {
            runner.acceptAll(s, stream.getValue());
          }
        }
      }
    } catch (InterruptedException e) {
      // stopping
    } catch (RuntimeException | Error e) {
      log.error("worker {}: the reader stopped", consumer, e);
    }
  }
}

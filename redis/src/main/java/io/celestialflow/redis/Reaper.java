package io.celestialflow.redis;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Claims entries idle longer than the idle-claim time from their (dead) consumers with {@code
 * XAUTOCLAIM}, and runs them — or dead-letters those delivered more often than the delivery limit.
 * Runs on the housekeeping thread.
 */
final class Reaper {
  private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);

  private final WorkerState state;
  private final TaskRunner runner;
  private final DeadLetters deadLetters;
  private final Link link;

  Reaper(WorkerState state, TaskRunner runner, DeadLetters deadLetters, Link link) {
    this.state = state;
    this.runner = runner;
    this.deadLetters = deadLetters;
    this.link = link;
  }

  void reap() throws InterruptedException {
    if (!state.running()) {
      return;
    }
    for (ServedStage s : state.stages()) {
      int free = Math.min(state.settings.batchSize(), state.free());
      if (free <= 0 || !state.running()) {
        return;
      }
      reap(s, free);
    }
  }

  private void reap(ServedStage s, int free) throws InterruptedException {
    WorkerSettings settings = state.settings;
    Map.Entry<StreamEntryID, List<StreamEntry>> claimed;
    try {
      claimed =
          link.call(
              j ->
                  j.xautoclaim(
                      s.stream(),
                      settings.group(),
                      settings.consumer(),
                      settings.idleClaim().toMillis(),
                      s.cursor,
                      XAutoClaimParams.xAutoClaimParams().count(free)),
              state::running);
    } catch (JedisDataException e) {
      if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
        return;
      }
      throw e;
    }
    s.cursor = claimed.getKey();
    List<StreamEntry> entries = new ArrayList<>();
    List<StreamEntryID> gone = new ArrayList<>();
    for (StreamEntry e : claimed.getValue()) {
      if (e.getFields() == null) {
        gone.add(e.getID()); // deleted while pending (Redis 6.2 still returns it): nothing to run
      } else if (!state.holds(s, e.getID())) {
        entries.add(e);
      }
    }
    if (!gone.isEmpty()) {
      StreamEntryID[] ids = gone.toArray(new StreamEntryID[0]);
      var unused = link.call(j -> j.xack(s.stream(), settings.group(), ids), state::running);
    }
    if (entries.isEmpty()) {
      return;
    }
    Map<StreamEntryID, Long> deliveries = deliveries(s, entries);
    for (StreamEntry e : entries) {
      long delivery = deliveries.getOrDefault(e.getID(), 2L);
      state.reclaimed.increment();
      if (delivery > settings.deliveryLimit()) {
        deadLetter(s, e, delivery);
      } else {
        log.info(
            "worker {}: reclaimed stage '{}' entry {} (delivery {})",
            settings.consumer(),
            s.name(),
            e.getID(),
            delivery);
        runner.accept(s, e, delivery);
      }
    }
  }

  /** The delivery counts of claimed entries ({@code XPENDING} of this consumer). */
  private Map<StreamEntryID, Long> deliveries(ServedStage s, List<StreamEntry> entries)
      throws InterruptedException {
    StreamEntryID min = entries.get(0).getID();
    StreamEntryID max = entries.get(entries.size() - 1).getID();
    int count = entries.size() + state.held.size() + 16;
    List<StreamPendingEntry> counts =
        link.call(
            j ->
                j.xpending(
                    s.stream(),
                    state.settings.group(),
                    XPendingParams.xPendingParams(min, max, count)
                        .consumer(state.settings.consumer())),
            state::running);
    Map<StreamEntryID, Long> deliveries = new HashMap<>();
    for (StreamPendingEntry p : counts) {
      deliveries.put(p.getID(), p.getDeliveredTimes());
    }
    return deliveries;
  }

  private void deadLetter(ServedStage s, StreamEntry e, long delivery) {
    HeldEntry h = new HeldEntry(s, e.getID(), delivery);
    if (!state.hold(h)) {
      return;
    }
    JsonObject message = null;
    try {
      message = Wire.parse(e.getFields());
    } catch (Wire.Rejection r) {
      // raw below
    }
    state.finish(
        deadLetters.deadLetter(
            h,
            e.getFields(),
            Wire.MAX_DELIVERIES,
            "delivered "
                + delivery
                + " times without a result (limit "
                + state.settings.deliveryLimit()
                + ")",
            message,
            null));
  }
}

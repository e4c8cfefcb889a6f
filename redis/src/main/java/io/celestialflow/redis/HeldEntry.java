package io.celestialflow.redis;

import redis.clients.jedis.StreamEntryID;

/** An entry a worker holds: fetched, not yet acknowledged. */
final class HeldEntry {
  final ServedStage stage;
  final StreamEntryID id;
  final long delivery;

  /** The key of the entry in the worker's table of held entries. */
  final String key;

  volatile long renewedAt;

  HeldEntry(ServedStage stage, StreamEntryID id, long delivery) {
    this.stage = stage;
    this.id = id;
    this.delivery = delivery;
    this.key = key(stage, id);
    this.renewedAt = System.nanoTime();
  }

  static String key(ServedStage stage, StreamEntryID id) {
    return stage.stream() + ' ' + id;
  }
}

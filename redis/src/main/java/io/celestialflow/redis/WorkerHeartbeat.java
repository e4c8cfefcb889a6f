package io.celestialflow.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A worker's last heartbeat (docs/protocol.md section 4).
 *
 * @param consumer the worker's consumer name
 * @param group its consumer group
 * @param host its host name
 * @param pid its process id
 * @param lang its implementation ({@code java}, {@code go}, ...)
 * @param at when the heartbeat was written
 * @param interval the time between its heartbeats
 * @param inflight entries it held
 * @param processed tasks it finished since it started
 * @param failed of those, how many ended with an error result
 * @param stages the stages it serves
 * @param alive whether {@code at} is within three intervals of now
 */
public record WorkerHeartbeat(
    String consumer,
    String group,
    String host,
    long pid,
    String lang,
    Instant at,
    Duration interval,
    long inflight,
    long processed,
    long failed,
    List<String> stages,
    boolean alive) {
  /**
   * Copies the stage list.
   *
   * @param consumer the consumer name
   * @param group the group
   * @param host the host
   * @param pid the process id
   * @param lang the implementation
   * @param at when written
   * @param interval heartbeat interval
   * @param inflight held entries
   * @param processed finished tasks
   * @param failed failed tasks
   * @param stages served stages
   * @param alive whether recent
   */
  public WorkerHeartbeat {
    stages = List.copyOf(stages);
  }

  static @Nullable WorkerHeartbeat parse(String consumer, String json) {
    JsonObject o = RedisBridge.parseObject(json);
    if (o == null) {
      return null;
    }
    long ts = num(o, "ts");
    long interval = Math.max(1, num(o, "interval"));
    List<String> stages = new ArrayList<>();
    if (o.get("stages") instanceof JsonArray a) {
      for (JsonElement e : a) {
        stages.add(e.getAsString());
      }
    }
    return new WorkerHeartbeat(
        consumer,
        str(o, "group"),
        str(o, "host"),
        num(o, "pid"),
        str(o, "lang"),
        Instant.ofEpochMilli(ts),
        Duration.ofMillis(interval),
        num(o, "inflight"),
        num(o, "processed"),
        num(o, "failed"),
        stages,
        System.currentTimeMillis() - ts <= 3 * interval);
  }

  private static long num(JsonObject o, String name) {
    try {
      JsonElement e = o.get(name);
      return e == null ? 0 : e.getAsLong();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static String str(JsonObject o, String name) {
    try {
      JsonElement e = o.get(name);
      return e == null ? "" : e.getAsString();
    } catch (RuntimeException e) {
      return "";
    }
  }
}

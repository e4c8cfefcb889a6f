package io.celestialflow.redis;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an entry that cannot or may not run (malformed, or delivered too often) into its dead
 * letter, plus an error result for the graph when the entry's id and reply can be read
 * (docs/protocol.md section 5.5).
 */
final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);

  private final String graph;
  private final String consumer;

  DeadLetters(String graph, String consumer) {
    this.graph = graph;
    this.consumer = consumer;
  }

  /** A dead letter for an entry, plus an error result when its id and reply can be read. */
  FinishedEntry deadLetter(
      HeldEntry h,
      Map<String, String> fields,
      String code,
      String reason,
      @Nullable JsonObject message,
      @Nullable String raw) {
    ServedStage s = h.stage;
    long now = System.currentTimeMillis();
    String id = member(message, "id");
    String reply = member(message, "reply");
    String run = member(message, "run");
    boolean poison = code.equals(Wire.MAX_DELIVERIES);
    // A poison entry has no known error (the workers it was delivered to died or stalled): its
    // dead letter carries none, and the graph's error result says where the entry went. A
    // malformed task's error is its decoding error. (As the Go worker, and vector
    // dead-max-deliveries.)
    Wire.ErrorInfo error =
        poison
            ? Wire.ErrorInfo.protocol(Wire.DELIVERY_LIMIT, reason + "; moved to " + s.dead)
            : Wire.ErrorInfo.protocol(Wire.MALFORMED_TASK, reason);
    String dead =
        Wire.dead(
            new Wire.Dead(
                code,
                reason,
                h.id.toString(),
                s.stream(),
                h.delivery,
                consumer,
                message,
                message == null ? (raw == null ? Wire.raw(fields) : raw) : null,
                poison ? null : error,
                id,
                member(message, "graph"),
                member(message, "stage"),
                run,
                reply,
                now));
    String result = null;
    if (id != null && reply != null) {
      result =
          Wire.error(
              id,
              graph,
              s.name(),
              run == null ? runOf(reply) : run,
              attempt(message),
              error,
              consumer,
              h.delivery,
              now);
    }
    log.warn("worker {}: stage '{}' entry {} dead-lettered: {}", consumer, s.name(), h.id, reason);
    return new FinishedEntry(h, id, reply, result, 0, dead, true, false);
  }

  /**
   * The run of a result stream key ({@code …:results:<run>}), for the error result of a task whose
   * own {@code run} cannot be read (docs/protocol.md section 5.5); {@code unknown} if it has none.
   */
  static String runOf(String reply) {
    String marker = ":results:";
    int i = reply.lastIndexOf(marker);
    return i >= 0 && i + marker.length() < reply.length()
        ? reply.substring(i + marker.length())
        : "unknown";
  }

  /** The message's attempt when it is a readable integer of at least 1, else 1. */
  private static int attempt(@Nullable JsonObject o) {
    JsonElement e = o == null ? null : o.get("attempt");
    if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      try {
        int a = Integer.parseInt(e.getAsString());
        return Math.max(a, 1);
      } catch (NumberFormatException x) {
        return 1;
      }
    }
    return 1;
  }

  private static @Nullable String member(@Nullable JsonObject o, String name) {
    if (o == null) {
      return null;
    }
    JsonElement e = o.get(name);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
        ? e.getAsString()
        : null;
  }
}

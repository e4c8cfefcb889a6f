package io.celestialflow.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The hot path of reading a task (a worker) or a result (a graph): one pass over the characters of
 * a well-formed message straight into its record — no tree of the whole message, no JSON reader
 * (whose buffers and per-member strings cost more than the rest of reading a message), member names
 * matched in place, scalar payloads and values taken as their own text.
 *
 * <p>It accepts only messages {@link Wire#read} accepts, and gives the same record. Anything else —
 * an error result, a JSON null or unknown member, a repeated member, a number out of range or not
 * an integer, an escape in a string, a message for another stream, bad JSON — gives null, and
 * {@link Wire#read} reads the message again with every check and says what is wrong with it. So the
 * rejections, their codes and their reasons stay those of docs/protocol.md. A structured payload or
 * value (object, array) is parsed by Gson, exactly as the checking reader parses it.
 */
final class WireFastPath extends JsonCursor {
  private static final long BAD = Long.MIN_VALUE;

  private static final String[] TASK_MEMBERS = {
    "v", "kind", "id", "graph", "stage", "run", "parents", "attempt", "payload", "reply", "pack",
    "ttl", "ts"
  };

  private static final String[] RESULT_MEMBERS = {
    "v",
    "kind",
    "id",
    "graph",
    "stage",
    "run",
    "attempt",
    "status",
    "value",
    "values",
    "worker",
    "lang",
    "delivery",
    "started",
    "finished"
  };

  /** The bits of kind, graph and stage (both kinds), and of status (results): required. */
  private static final int LITERALS = 1 << 1 | 1 << 3 | 1 << 4;

  private static final int STATUS = 1 << 7;

  private WireFastPath(String m) {
    super(m);
  }

  /** The task or result in {@code m}, or null to let the checking reader read it. */
  static @Nullable Object read(
      @Nullable String m, Wire.Context context, @Nullable String graph, @Nullable String stage) {
    if (m == null || graph == null || stage == null) {
      return null;
    }
    try {
      WireFastPath r = new WireFastPath(m);
      Object out =
          switch (context) {
            case TASKS -> r.task(graph, stage);
            case RESULTS -> r.result(graph, stage);
            default -> null;
          };
      r.space();
      return out != null && r.i == m.length() ? out : null;
    } catch (Decline | RuntimeException | StackOverflowError e) {
      return null;
    }
  }

  /**
   * The results of a pack as the Java worker writes it ({@link ResultPack#HEAD}, results joined by
   * commas, {@code ]}}), in one pass: per result its {@link Wire.Result} when this path reads it,
   * else its text for the checking reader; null when the pack itself is not in that form.
   */
  static @Nullable List<Object> pack(String m, String graph, String stage) {
    if (!m.startsWith(ResultPack.HEAD)) {
      return null;
    }
    WireFastPath r = new WireFastPath(m);
    r.i = ResultPack.HEAD.length();
    List<Object> out = new ArrayList<>();
    try {
      do {
        r.space();
        int start = r.i;
        Object one;
        try {
          one = r.result(graph, stage);
        } catch (Decline e) {
          r.i = start;
          r.skipStructure();
          one = null;
        }
        if (one == null) {
          if (m.charAt(start) != '{') {
            return null; // not an object: the checking path says so
          }
          one = m.substring(start, r.i); // an object this path does not read: the checking reader
        }
        out.add(one);
      } while (r.next(','));
      r.expect(']');
      r.expect('}');
      r.space();
      return r.i == m.length() ? out : null;
    } catch (Decline | RuntimeException | StackOverflowError e) {
      return null;
    }
  }

  private Wire.@Nullable Task task(String graph, String stage) throws Decline {
    String id = null;
    String run = null;
    String reply = null;
    List<String> parents = List.of();
    long attempt = 1;
    long ttl = 0;
    long ts = BAD;
    long v = BAD;
    boolean pack = false;
    JsonElement payload = null;
    int seen = 0;
    int member = -1;
    expect('{');
    boolean more = !next('}');
    while (more) {
      member = name(TASK_MEMBERS, member);
      if ((seen & (1 << member)) != 0) {
        throw Decline.INSTANCE; // repeated: the checking reader decides
      }
      seen |= 1 << member;
      switch (member) {
        case 0 -> v = integer(1, 1);
        case 1 -> literal("task");
        case 2 -> id = string();
        case 3 -> literal(graph);
        case 4 -> literal(stage);
        case 5 -> run = string();
        case 6 -> parents = strings();
        case 7 -> attempt = integer(1, Integer.MAX_VALUE);
        case 8 -> payload = value(true);
        case 9 -> reply = string();
        case 10 -> pack = bool();
        case 11 -> ttl = integer(1, Long.MAX_VALUE);
        default -> ts = integer(0, Long.MAX_VALUE);
      }
      more = separator();
    }
    if (v == BAD
        || (seen & LITERALS) != LITERALS
        || id == null
        || id.isEmpty()
        || run == null
        || run.isEmpty()
        || payload == null
        || reply == null
        || reply.isEmpty()
        || ts == BAD) {
      return null;
    }
    return new Wire.Task(
        id, graph, stage, run, parents, (int) attempt, payload, reply, ttl, ts, pack);
  }

  private Wire.@Nullable Result result(String graph, String stage) throws Decline {
    String id = null;
    String run = null;
    String worker = null;
    String lang = null;
    long attempt = 1;
    long v = BAD;
    long delivery = BAD;
    long started = BAD;
    long finished = BAD;
    JsonElement value = null;
    JsonElement values = null;
    int seen = 0;
    int member = -1;
    expect('{');
    boolean more = !next('}');
    while (more) {
      member = name(RESULT_MEMBERS, member);
      if ((seen & (1 << member)) != 0) {
        throw Decline.INSTANCE;
      }
      seen |= 1 << member;
      switch (member) {
        case 0 -> v = integer(1, 1);
        case 1 -> literal("result");
        case 2 -> id = string();
        case 3 -> literal(graph);
        case 4 -> literal(stage);
        case 5 -> run = string();
        case 6 -> attempt = integer(1, Integer.MAX_VALUE);
        case 7 -> literal("ok");
        case 8 -> value = value(false);
        case 9 -> values = value(false);
        case 10 -> worker = string();
        case 11 -> lang = string();
        case 12 -> delivery = integer(1, Long.MAX_VALUE);
        case 13 -> started = integer(0, Long.MAX_VALUE);
        default -> finished = integer(0, Long.MAX_VALUE);
      }
      more = separator();
    }
    if (v == BAD
        || (seen & (LITERALS | STATUS)) != (LITERALS | STATUS)
        || id == null
        || id.isEmpty()
        || run == null
        || run.isEmpty()
        || (value != null && values != null)
        || (values != null && !values.isJsonArray())
        || worker == null
        || worker.isEmpty()
        || delivery == BAD
        || started == BAD
        || finished == BAD) {
      return null;
    }
    return new Wire.Result(
        id,
        graph,
        stage,
        run,
        (int) attempt,
        true,
        value,
        values == null ? null : (JsonArray) values,
        null,
        worker,
        lang,
        delivery,
        started,
        finished);
  }
}

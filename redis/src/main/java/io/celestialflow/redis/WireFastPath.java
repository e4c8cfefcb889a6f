package io.celestialflow.redis;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The hot path of reading a task (a worker) or a result (a graph): one streaming pass over a
 * well-formed message straight into its record, without first building a tree of the whole message
 * and looking its members up in it (which cost about half of each side's time per task).
 *
 * <p>It accepts only messages {@link Wire#read} accepts, and gives the same record. Anything else —
 * an error result, a JSON null or unknown member, a repeated member, a number out of range or not
 * an integer, a message for another stream, bad JSON — gives null, and {@link Wire#read} reads the
 * message again with every check and says what is wrong with it. So the rejections, their codes and
 * their reasons stay those of docs/protocol.md.
 */
final class WireFastPath {
  private static final long BAD = Long.MIN_VALUE;

  private WireFastPath() {}

  /** The task or result in {@code m}, or null to let the checking reader read it. */
  static @Nullable Object read(
      @Nullable String m, Wire.Context context, @Nullable String graph, @Nullable String stage) {
    if (m == null || graph == null || stage == null) {
      return null;
    }
    try {
      JsonReader r = new JsonReader(new StringReader(m));
      r.setStrictness(Strictness.STRICT);
      Object out =
          switch (context) {
            case TASKS -> task(r, graph, stage);
            case RESULTS -> result(r, graph, stage);
            default -> null;
          };
      return out != null && r.peek() == JsonToken.END_DOCUMENT ? out : null;
    } catch (IOException | RuntimeException | StackOverflowError e) {
      return null;
    }
  }

  private static Wire.@Nullable Task task(JsonReader r, String graph, String stage)
      throws IOException {
    if (r.peek() != JsonToken.BEGIN_OBJECT) {
      return null;
    }
    r.beginObject();
    String kind = null;
    String id = null;
    String g = null;
    String s = null;
    String run = null;
    String reply = null;
    List<String> parents = List.of();
    long attempt = 1;
    long ttl = 0;
    long ts = BAD;
    long v = BAD;
    JsonElement payload = null;
    int seen = 0;
    while (r.hasNext()) {
      String name = r.nextName();
      int bit = TASK_MEMBERS.indexOf(name);
      if (bit < 0 || (seen & (1 << bit)) != 0) {
        return null; // unknown or repeated: the checking reader decides
      }
      seen |= 1 << bit;
      if (!name.equals("payload") && r.peek() == JsonToken.NULL) {
        return null; // a null member counts as absent: the checking reader handles it
      }
      switch (name) {
        case "v" -> v = integer(r, 1, 1);
        case "kind" -> kind = string(r);
        case "id" -> id = string(r);
        case "graph" -> g = string(r);
        case "stage" -> s = string(r);
        case "run" -> run = string(r);
        case "parents" -> parents = strings(r);
        case "attempt" -> attempt = integer(r, 1, Integer.MAX_VALUE);
        case "payload" -> payload = JsonParser.parseReader(r);
        case "reply" -> reply = string(r);
        case "ttl" -> ttl = integer(r, 1, Long.MAX_VALUE);
        case "ts" -> ts = integer(r, 0, Long.MAX_VALUE);
        default -> {
          return null;
        }
      }
    }
    r.endObject();
    if (v == BAD
        || !"task".equals(kind)
        || id == null
        || id.isEmpty()
        || g == null
        || !g.equals(graph)
        || s == null
        || !s.equals(stage)
        || run == null
        || run.isEmpty()
        || parents == null
        || attempt == BAD
        || payload == null
        || reply == null
        || reply.isEmpty()
        || ttl == BAD
        || ts == BAD) {
      return null;
    }
    return new Wire.Task(id, g, s, run, parents, (int) attempt, payload, reply, ttl, ts);
  }

  private static final List<String> TASK_MEMBERS =
      List.of(
          "v", "kind", "id", "graph", "stage", "run", "parents", "attempt", "payload", "reply",
          "ttl", "ts");

  private static final List<String> RESULT_MEMBERS =
      List.of(
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
          "finished");

  private static Wire.@Nullable Result result(JsonReader r, String graph, String stage)
      throws IOException {
    if (r.peek() != JsonToken.BEGIN_OBJECT) {
      return null;
    }
    r.beginObject();
    String kind = null;
    String id = null;
    String g = null;
    String s = null;
    String run = null;
    String status = null;
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
    while (r.hasNext()) {
      String name = r.nextName();
      int bit = RESULT_MEMBERS.indexOf(name);
      if (bit < 0 || (seen & (1 << bit)) != 0 || r.peek() == JsonToken.NULL) {
        return null; // unknown, repeated or null (an error result has "error": not here either)
      }
      seen |= 1 << bit;
      switch (name) {
        case "v" -> v = integer(r, 1, 1);
        case "kind" -> kind = string(r);
        case "id" -> id = string(r);
        case "graph" -> g = string(r);
        case "stage" -> s = string(r);
        case "run" -> run = string(r);
        case "attempt" -> attempt = integer(r, 1, Integer.MAX_VALUE);
        case "status" -> status = string(r);
        case "value" -> value = JsonParser.parseReader(r);
        case "values" -> values = JsonParser.parseReader(r);
        case "worker" -> worker = string(r);
        case "lang" -> lang = string(r);
        case "delivery" -> delivery = integer(r, 1, Long.MAX_VALUE);
        case "started" -> started = integer(r, 0, Long.MAX_VALUE);
        case "finished" -> finished = integer(r, 0, Long.MAX_VALUE);
        default -> {
          return null;
        }
      }
    }
    r.endObject();
    if (v == BAD
        || !"result".equals(kind)
        || id == null
        || id.isEmpty()
        || g == null
        || !g.equals(graph)
        || s == null
        || !s.equals(stage)
        || run == null
        || run.isEmpty()
        || attempt == BAD
        || !"ok".equals(status)
        || (value != null && values != null)
        || (values != null && !values.isJsonArray())
        || worker == null
        || worker.isEmpty()
        || ((seen & (1 << RESULT_MEMBERS.indexOf("lang"))) != 0 && lang == null)
        || delivery == BAD
        || started == BAD
        || finished == BAD) {
      return null;
    }
    return new Wire.Result(
        id,
        g,
        s,
        run,
        (int) attempt,
        true,
        value,
        values == null ? null : values.getAsJsonArray(),
        null,
        worker,
        lang,
        delivery,
        started,
        finished);
  }

  /** A string member, or null when it is something else. */
  private static @Nullable String string(JsonReader r) throws IOException {
    if (r.peek() != JsonToken.STRING) {
      return null;
    }
    return r.nextString();
  }

  /** An array of strings, or null when it is something else. */
  private static @Nullable List<String> strings(JsonReader r) throws IOException {
    if (r.peek() != JsonToken.BEGIN_ARRAY) {
      return null;
    }
    List<String> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      if (r.peek() != JsonToken.STRING) {
        return null;
      }
      out.add(r.nextString());
    }
    r.endArray();
    return List.copyOf(out);
  }

  /**
   * An integer member within {@code [min, max]} written as a JSON integer ({@code
   * -?(0|[1-9][0-9]*)}, as {@code Wire.isInteger} reads it), or {@link #BAD}.
   */
  private static long integer(JsonReader r, long min, long max) throws IOException {
    if (r.peek() != JsonToken.NUMBER) {
      return BAD;
    }
    String text = r.nextString();
    int i = text.startsWith("-") ? 1 : 0;
    if (i >= text.length() || (text.charAt(i) == '0' && text.length() > i + 1)) {
      return BAD;
    }
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return BAD;
      }
    }
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return BAD;
    }
    return value < min || value > max ? BAD : value;
  }
}

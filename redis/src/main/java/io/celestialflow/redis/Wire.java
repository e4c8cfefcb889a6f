package io.celestialflow.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serial;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The protocol's messages (docs/protocol.md, version 1): records for the four kinds, strict readers
 * that reject with the protocol's codes, and writers that produce the canonical member order.
 * Payloads and values stay JSON trees here; the stage's codec turns them into values.
 */
final class Wire {
  private Wire() {}

  static final int VERSION = 1;
  static final String FIELD = "m";

  // Rejection codes (section 6) and the dead-letter code for poison messages.
  static final String BAD_ENTRY = "bad_entry";
  static final String BAD_JSON = "bad_json";
  static final String MISSING_FIELD = "missing_field";
  static final String BAD_FIELD = "bad_field";
  static final String UNSUPPORTED_VERSION = "unsupported_version";
  static final String UNKNOWN_KIND = "unknown_kind";
  static final String UNEXPECTED_KIND = "unexpected_kind";
  static final String WRONG_STREAM = "wrong_stream";
  static final String BAD_PAYLOAD = "bad_payload";
  static final String MAX_DELIVERIES = "max_deliveries";

  // The protocol's own error types (section 3.2).
  static final String MALFORMED_TASK = "celestialflow.MalformedTask";
  static final String DELIVERY_LIMIT = "celestialflow.DeliveryLimitExceeded";
  static final String UNKNOWN_STAGE = "celestialflow.UnknownStage";

  private static final int MAX_TRACE = 32 * 1024;

  /** Where a message was read, which decides the kinds it may have. */
  enum Context {
    /** A worker reading a task stream: tasks only, {@code reply} required. */
    TASKS,
    /** A graph reading its result stream: results only. */
    RESULTS,
    /** A {@link TaskRedisSource} reading a hand-off stream: tasks and end markers. */
    SOURCE,
    /** A dead-letter stream. */
    DEAD
  }

  /**
   * A task message. {@code ttl} is 0 when absent; {@code pack} says the reader of {@code reply}
   * reads packed results (docs/protocol.md section 3.5).
   */
  record Task(
      String id,
      String graph,
      String stage,
      String run,
      List<String> parents,
      int attempt,
      JsonElement payload,
      @Nullable String reply,
      long ttl,
      long ts,
      boolean pack) {}

  /** The error of an error result or a dead letter. */
  record ErrorInfo(String type, List<String> types, String message, String trace) {
    static ErrorInfo of(Throwable error) {
      List<String> types = new ArrayList<>();
      for (Class<?> c = error.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
        types.add(c.getName());
      }
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      String t = trace.toString();
      if (t.length() > MAX_TRACE) {
        t = t.substring(0, MAX_TRACE) + "\n\t... (trace cut at " + MAX_TRACE + " characters)\n";
      }
      String message = error.getMessage();
      return new ErrorInfo(error.getClass().getName(), types, message == null ? "" : message, t);
    }

    static ErrorInfo protocol(String type, String message) {
      return new ErrorInfo(type, List.of(type), message, "");
    }
  }

  /** A result message: {@code value} for a map, {@code values} for a splitter, neither else. */
  record Result(
      String id,
      String graph,
      String stage,
      String run,
      int attempt,
      boolean ok,
      @Nullable JsonElement value,
      @Nullable JsonArray values,
      @Nullable ErrorInfo error,
      String worker,
      @Nullable String lang,
      long delivery,
      long started,
      long finished) {}

  /** An end marker; {@code count} is -1 when absent. */
  record End(String graph, String stage, String run, long count, long ts) {}

  /** A dead letter. */
  record Dead(
      String code,
      String reason,
      String entry,
      String stream,
      long deliveries,
      String worker,
      @Nullable JsonObject message,
      @Nullable String raw,
      @Nullable ErrorInfo error,
      @Nullable String id,
      @Nullable String graph,
      @Nullable String stage,
      @Nullable String run,
      @Nullable String reply,
      long ts) {}

  /** A message that breaks the protocol: its code, the reason, and what could be read of it. */
  static final class Rejection extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    final String code;
    final transient @Nullable JsonObject message;
    final @Nullable String raw;

    Rejection(String code, String reason, @Nullable JsonObject message, @Nullable String raw) {
      super(code + ": " + reason, null, false, false);
      this.code = code;
      this.message = message;
      this.raw = raw;
    }

    /** The reason, with the code in front (as dead letters show it). */
    String reason() {
      return String.valueOf(getMessage());
    }

    @Nullable String member(String name) {
      JsonObject m = message;
      if (m == null) {
        return null;
      }
      JsonElement e = m.get(name);
      return e instanceof JsonPrimitive p && p.isString() && !p.getAsString().isEmpty()
          ? p.getAsString()
          : null;
    }

    Rejection withCode(String newCode, String reason) {
      return new Rejection(newCode, reason, message, raw);
    }
  }

  // ------------------------------------------------------------------ reading

  /**
   * The JSON text of a parsed value, for a codec to decode: a number's or a boolean's own text
   * (what Gson would write back), else Gson's writing of it. Saves a {@code JsonWriter} per task
   * for the common scalar payloads and values.
   */
  static String text(JsonElement e) {
    return e instanceof JsonPrimitive p && !p.isString() ? p.getAsString() : e.toString();
  }

  /** Reads the JSON object in an entry's {@code m} field. */
  static JsonObject parse(Map<String, String> fields) throws Rejection {
    String m = fields.get(FIELD);
    if (m == null) {
      throw new Rejection(
          BAD_ENTRY,
          "the entry has no field m (fields: " + fields.keySet() + ")",
          null,
          raw(fields));
    }
    JsonElement tree;
    try {
      JsonReader reader = new JsonReader(new StringReader(m));
      reader.setStrictness(Strictness.STRICT);
      tree = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new Rejection(BAD_JSON, "unexpected data after the JSON value", null, m);
      }
    } catch (JsonParseException | IOException | IllegalStateException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new Rejection(BAD_JSON, "not valid JSON: " + why, null, m);
    } catch (StackOverflowError e) {
      throw new Rejection(BAD_JSON, "JSON nested too deeply", null, m);
    }
    if (!(tree instanceof JsonObject o)) {
      throw new Rejection(BAD_JSON, "not a JSON object", null, m);
    }
    return o;
  }

  /** The raw text of an entry for a dead letter: {@code m}, or its fields as JSON text. */
  static String raw(Map<String, String> fields) {
    String m = fields.get(FIELD);
    if (m != null) {
      return m;
    }
    StringBuilder s = new StringBuilder("{");
    for (Map.Entry<String, String> f : new TreeMap<>(fields).entrySet()) {
      if (s.length() > 1) {
        s.append(',');
      }
      quote(s, f.getKey()).append(':');
      quote(s, f.getValue());
    }
    return s.append('}').toString();
  }

  /**
   * Reads a message of the given context; returns a {@link Task}, {@link Result}, {@link End}.
   * Tasks and ok results take {@link WireFastPath} first; whatever it does not accept is read by
   * {@link #readChecked}.
   */
  static Object read(
      Map<String, String> fields, Context context, @Nullable String graph, @Nullable String stage)
      throws Rejection {
    if (context == Context.TASKS || context == Context.RESULTS) {
      Object fast = WireFastPath.read(fields.get(FIELD), context, graph, stage);
      if (fast != null) {
        return fast;
      }
    }
    return readChecked(fields, context, graph, stage);
  }

  /** Reads a message checking every member, in the order docs/protocol.md gives. */
  static Object readChecked(
      Map<String, String> fields, Context context, @Nullable String graph, @Nullable String stage)
      throws Rejection {
    JsonObject o = parse(fields);
    MessageReader r = new MessageReader(o);
    String kind = r.header();
    boolean expected =
        switch (context) {
          case TASKS -> kind.equals("task");
          case RESULTS -> kind.equals("result");
          case SOURCE -> kind.equals("task") || kind.equals("end");
          case DEAD -> kind.equals("dead");
        };
    if (!expected) {
      throw r.reject(UNEXPECTED_KIND, "a '" + kind + "' message does not belong in this stream");
    }
    Object message =
        switch (kind) {
          case "task" -> r.task(context == Context.TASKS);
          case "result" -> r.result();
          case "end" -> r.end();
          default -> r.dead();
        };
    if (graph != null && stage != null && !(message instanceof Dead)) {
      String g = r.str("graph");
      String s = r.str("stage");
      if (!g.equals(graph) || !s.equals(stage)) {
        throw r.reject(
            WRONG_STREAM,
            "the message is for graph '"
                + g
                + "', stage '"
                + s
                + "', but was read from the stream of graph '"
                + graph
                + "', stage '"
                + stage
                + "'");
      }
    }
    return message;
  }

  static Task readTask(Map<String, String> fields, String graph, String stage) throws Rejection {
    return (Task) read(fields, Context.TASKS, graph, stage);
  }

  static Result readResult(Map<String, String> fields, String graph, String stage)
      throws Rejection {
    return (Result) read(fields, Context.RESULTS, graph, stage);
  }

  static Dead readDead(Map<String, String> fields) throws Rejection {
    return (Dead) read(fields, Context.DEAD, null, null);
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes a task. {@code payload} is the JSON text the stage's codec wrote; it is embedded as is.
   * With {@code pack} (and a {@code reply}) the task says that the reply stream's reader reads
   * packed results (section 3.5), so a worker may pack its results.
   */
  static String task(
      String id,
      String graph,
      String stage,
      String run,
      List<String> parents,
      int attempt,
      String payload,
      @Nullable String reply,
      long ttl,
      long ts,
      boolean pack) {
    StringBuilder s = new StringBuilder(160 + payload.length());
    s.append("{\"v\":1,\"kind\":\"task\",\"id\":");
    quote(s, id).append(",\"graph\":");
    quote(s, graph).append(",\"stage\":");
    quote(s, stage).append(",\"run\":");
    quote(s, run).append(",\"parents\":[");
    for (int i = 0; i < parents.size(); i++) {
      if (i > 0) {
        s.append(',');
      }
      quote(s, parents.get(i));
    }
    s.append("],\"attempt\":").append(attempt).append(",\"payload\":").append(payload);
    if (reply != null) {
      quote(s.append(",\"reply\":"), reply);
      if (pack) {
        s.append(",\"pack\":true");
      }
    }
    if (ttl > 0) {
      s.append(",\"ttl\":").append(ttl);
    }
    return s.append(",\"ts\":").append(ts).append('}').toString();
  }

  /** How an ok result carries its output. */
  enum Shape {
    VALUE,
    VALUES,
    NONE
  }

  /**
   * Writes an ok result. {@code output} is JSON text: the value for {@link Shape#VALUE}, a JSON
   * array for {@link Shape#VALUES}, ignored for {@link Shape#NONE}.
   */
  static String ok(
      Task task,
      Shape shape,
      @Nullable String output,
      String worker,
      long delivery,
      long started,
      long finished) {
    StringBuilder s = resultHead(task, "ok");
    switch (shape) {
      case VALUE -> s.append(",\"value\":").append(output);
      case VALUES -> s.append(",\"values\":").append(output);
      case NONE -> {}
    }
    return resultTail(s, worker, delivery, started, finished);
  }

  /** Writes an error result. */
  static String error(
      Task task, ErrorInfo error, String worker, long delivery, long started, long finished) {
    StringBuilder s = resultHead(task, "error");
    s.append(",\"error\":");
    error(s, error);
    return resultTail(s, worker, delivery, started, finished);
  }

  /** Writes an error result for a message known only partly (a rejected or poison task). */
  static String error(
      String id,
      String graph,
      String stage,
      String run,
      int attempt,
      ErrorInfo error,
      String worker,
      long delivery,
      long now) {
    Task t =
        new Task(
            id,
            graph,
            stage,
            run,
            List.of(),
            attempt,
            JsonParser.parseString("0"),
            null,
            0,
            0,
            false);
    return error(t, error, worker, delivery, now, now);
  }

  private static StringBuilder resultHead(Task task, String status) {
    StringBuilder s = new StringBuilder(200);
    s.append("{\"v\":1,\"kind\":\"result\",\"id\":");
    quote(s, task.id()).append(",\"graph\":");
    quote(s, task.graph()).append(",\"stage\":");
    quote(s, task.stage()).append(",\"run\":");
    quote(s, task.run()).append(",\"attempt\":").append(task.attempt());
    return s.append(",\"status\":\"").append(status).append('"');
  }

  private static String resultTail(
      StringBuilder s, String worker, long delivery, long started, long finished) {
    s.append(",\"worker\":");
    quote(s, worker).append(",\"lang\":\"java\",\"delivery\":").append(delivery);
    s.append(",\"started\":").append(started).append(",\"finished\":").append(finished);
    return s.append('}').toString();
  }

  static void error(StringBuilder s, ErrorInfo e) {
    s.append("{\"type\":");
    quote(s, e.type()).append(",\"types\":[");
    for (int i = 0; i < e.types().size(); i++) {
      if (i > 0) {
        s.append(',');
      }
      quote(s, e.types().get(i));
    }
    s.append("],\"message\":");
    quote(s, e.message()).append(",\"trace\":");
    quote(s, e.trace()).append('}');
  }

  /** Writes an end marker; {@code count} below 0 is left out. */
  static String end(String graph, String stage, String run, long count, long ts) {
    StringBuilder s = new StringBuilder(120);
    s.append("{\"v\":1,\"kind\":\"end\",\"graph\":");
    quote(s, graph).append(",\"stage\":");
    quote(s, stage).append(",\"run\":");
    quote(s, run);
    if (count >= 0) {
      s.append(",\"count\":").append(count);
    }
    return s.append(",\"ts\":").append(ts).append('}').toString();
  }

  /** Writes a dead letter. */
  static String dead(Dead d) {
    StringBuilder s = new StringBuilder(400);
    s.append("{\"v\":1,\"kind\":\"dead\",\"code\":");
    quote(s, d.code()).append(",\"reason\":");
    quote(s, d.reason()).append(",\"entry\":");
    quote(s, d.entry()).append(",\"stream\":");
    quote(s, d.stream()).append(",\"deliveries\":").append(d.deliveries()).append(",\"worker\":");
    quote(s, d.worker());
    JsonObject message = d.message();
    if (message != null) {
      s.append(",\"message\":").append(message);
    } else {
      quote(s.append(",\"raw\":"), String.valueOf(d.raw()));
    }
    ErrorInfo error = d.error();
    if (error != null) {
      s.append(",\"error\":");
      error(s, error);
    }
    optional(s, "id", d.id());
    optional(s, "graph", d.graph());
    optional(s, "stage", d.stage());
    optional(s, "run", d.run());
    optional(s, "reply", d.reply());
    return s.append(",\"ts\":").append(d.ts()).append('}').toString();
  }

  private static void optional(StringBuilder s, String name, @Nullable String value) {
    if (value != null) {
      s.append(",\"").append(name).append("\":");
      quote(s, value);
    }
  }

  /** Appends a JSON string: quotes, backslash and control characters escaped, the rest raw. */
  static StringBuilder quote(StringBuilder s, String value) {
    s.append('"');
    int n = value.length();
    int from = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      String esc;
      if (c == '"') {
        esc = "\\\"";
      } else if (c == '\\') {
        esc = "\\\\";
      } else if (c >= 0x20 && c != '\u2028' && c != '\u2029') {
        continue;
      } else {
        esc =
            switch (c) {
              case '\n' -> "\\n";
              case '\r' -> "\\r";
              case '\t' -> "\\t";
              case '\b' -> "\\b";
              case '\f' -> "\\f";
              default -> String.format("\\u%04x", (int) c);
            };
      }
      s.append(value, from, i).append(esc);
      from = i + 1;
    }
    return s.append(value, from, n).append('"');
  }
}

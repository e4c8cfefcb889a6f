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

  /** A task message. {@code ttl} is 0 when absent. */
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
      long ts) {}

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

  /** Reads a message of the given context; returns a {@link Task}, {@link Result}, {@link End}. */
  static Object read(
      Map<String, String> fields, Context context, @Nullable String graph, @Nullable String stage)
      throws Rejection {
    JsonObject o = parse(fields);
    Reader r = new Reader(o);
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

  /** Reads members of one message, in the order the protocol checks them. */
  private static final class Reader {
    final JsonObject o;

    Reader(JsonObject o) {
      this.o = o;
    }

    /**
     * A member, or null when it is absent or JSON {@code null}: a null member counts as absent (as
     * Gson writes them), except {@code payload}, where null is a value (docs/protocol.md section
     * 3).
     */
    @Nullable JsonElement get(String name) {
      JsonElement e = o.get(name);
      return e == null || e.isJsonNull() ? null : e;
    }

    Rejection reject(String code, String reason) {
      return new Rejection(code, reason, o, null);
    }

    String header() throws Rejection {
      JsonElement v = get("v");
      if (v == null) {
        throw reject(MISSING_FIELD, "missing member v (the protocol version)");
      }
      if (!isInteger(v)) {
        throw reject(BAD_FIELD, "member v must be an integer, was " + v);
      }
      if (!v.getAsString().equals("1")) {
        throw reject(
            UNSUPPORTED_VERSION, "unsupported protocol version " + v + " (this reader knows 1)");
      }
      JsonElement kind = get("kind");
      if (kind == null) {
        throw reject(MISSING_FIELD, "missing member kind");
      }
      if (!(kind instanceof JsonPrimitive p && p.isString())) {
        throw reject(BAD_FIELD, "member kind must be a string, was " + kind);
      }
      String k = p.getAsString();
      if (!k.equals("task") && !k.equals("result") && !k.equals("end") && !k.equals("dead")) {
        throw reject(UNKNOWN_KIND, "unknown kind '" + k + "'");
      }
      return k;
    }

    Task task(boolean needReply) throws Rejection {
      String id = str("id");
      String graph = str("graph");
      String stage = str("stage");
      String run = str("run");
      List<String> parents = strings("parents");
      int attempt = (int) optLong("attempt", 1, 1, Integer.MAX_VALUE);
      JsonElement payload = o.get("payload"); // JSON null is a payload
      if (payload == null) {
        throw reject(MISSING_FIELD, "missing member payload");
      }
      String reply = needReply ? str("reply") : optStr("reply");
      long ttl = optLong("ttl", 0, 1, Long.MAX_VALUE);
      long ts = millis("ts");
      return new Task(id, graph, stage, run, parents, attempt, payload, reply, ttl, ts);
    }

    Result result() throws Rejection {
      String id = str("id");
      String graph = str("graph");
      String stage = str("stage");
      String run = str("run");
      int attempt = (int) optLong("attempt", 1, 1, Integer.MAX_VALUE);
      String status = str("status");
      boolean ok =
          switch (status) {
            case "ok" -> true;
            case "error" -> false;
            default -> throw reject(BAD_FIELD, "member status must be ok or error, was " + status);
          };
      JsonElement value = get("value");
      JsonElement values = get("values");
      JsonElement error = get("error");
      ErrorInfo err = null;
      if (ok) {
        if (error != null) {
          throw reject(BAD_FIELD, "an ok result must not carry error");
        }
        if (value != null && values != null) {
          throw reject(BAD_FIELD, "a result carries value or values, not both");
        }
        if (values != null && !values.isJsonArray()) {
          throw reject(BAD_FIELD, "member values must be an array");
        }
      } else {
        if (value != null || values != null) {
          throw reject(BAD_FIELD, "an error result must not carry value or values");
        }
        if (error == null) {
          throw reject(MISSING_FIELD, "missing member error (status is error)");
        }
        err = error(error);
      }
      String worker = str("worker");
      String lang = optStr("lang");
      long delivery = optLong("delivery", -1, 1, Long.MAX_VALUE);
      if (delivery < 0) {
        throw reject(MISSING_FIELD, "missing member delivery");
      }
      long started = millis("started");
      long finished = millis("finished");
      return new Result(
          id,
          graph,
          stage,
          run,
          attempt,
          ok,
          value,
          values == null ? null : values.getAsJsonArray(),
          err,
          worker,
          lang,
          delivery,
          started,
          finished);
    }

    End end() throws Rejection {
      String graph = str("graph");
      String stage = str("stage");
      String run = str("run");
      long count = optLong("count", -1, 0, Long.MAX_VALUE);
      long ts = millis("ts");
      return new End(graph, stage, run, count, ts);
    }

    Dead dead() throws Rejection {
      String code = str("code");
      JsonElement reasonE = get("reason");
      if (!(reasonE instanceof JsonPrimitive p && p.isString())) {
        throw reject(reasonE == null ? MISSING_FIELD : BAD_FIELD, "member reason: a string");
      }
      String entry = str("entry");
      String stream = str("stream");
      long deliveries = optLong("deliveries", -1, 1, Long.MAX_VALUE);
      if (deliveries < 0) {
        throw reject(MISSING_FIELD, "missing member deliveries");
      }
      String worker = str("worker");
      JsonElement message = get("message");
      String raw = optStr("raw");
      if ((message == null) == (raw == null)) {
        throw reject(BAD_FIELD, "a dead letter carries exactly one of message and raw");
      }
      if (message != null && !message.isJsonObject()) {
        throw reject(BAD_FIELD, "member message must be an object");
      }
      JsonElement error = get("error");
      ErrorInfo err = error == null ? null : error(error);
      return new Dead(
          code,
          p.getAsString(),
          entry,
          stream,
          deliveries,
          worker,
          message == null ? null : message.getAsJsonObject(),
          raw,
          err,
          optStr("id"),
          optStr("graph"),
          optStr("stage"),
          optStr("run"),
          optStr("reply"),
          millis("ts"));
    }

    ErrorInfo error(JsonElement e) throws Rejection {
      if (!(e instanceof JsonObject eo)) {
        throw reject(BAD_FIELD, "member error must be an object");
      }
      Reader r = new Reader(eo);
      String type;
      try {
        type = r.str("type");
      } catch (Rejection x) {
        throw reject(x.code, "error." + x.reason().substring(x.code.length() + 2));
      }
      List<String> types = r.strings("types");
      if (types.isEmpty()) {
        types = List.of(type);
      }
      String message = r.optStr("message");
      String trace = r.optStr("trace");
      return new ErrorInfo(type, types, message == null ? "" : message, trace == null ? "" : trace);
    }

    /** A required non-empty string. */
    String str(String name) throws Rejection {
      JsonElement e = get(name);
      if (e == null) {
        throw reject(MISSING_FIELD, "missing member " + name);
      }
      if (!(e instanceof JsonPrimitive p && p.isString())) {
        throw reject(BAD_FIELD, "member " + name + " must be a string, was " + e);
      }
      String s = p.getAsString();
      if (s.isEmpty()) {
        throw reject(BAD_FIELD, "member " + name + " must not be empty");
      }
      return s;
    }

    /** An optional string (may be empty; null when absent). */
    @Nullable String optStr(String name) throws Rejection {
      JsonElement e = get(name);
      if (e == null) {
        return null;
      }
      if (!(e instanceof JsonPrimitive p && p.isString())) {
        throw reject(BAD_FIELD, "member " + name + " must be a string, was " + e);
      }
      return p.getAsString();
    }

    List<String> strings(String name) throws Rejection {
      JsonElement e = get(name);
      if (e == null) {
        return List.of();
      }
      if (!(e instanceof JsonArray a)) {
        throw reject(BAD_FIELD, "member " + name + " must be an array of strings, was " + e);
      }
      List<String> out = new ArrayList<>(a.size());
      for (JsonElement x : a) {
        if (!(x instanceof JsonPrimitive p && p.isString())) {
          throw reject(BAD_FIELD, "member " + name + " must be an array of strings, was " + e);
        }
        out.add(p.getAsString());
      }
      return List.copyOf(out);
    }

    long optLong(String name, long absent, long min, long max) throws Rejection {
      JsonElement e = get(name);
      if (e == null) {
        return absent;
      }
      if (!isInteger(e)) {
        throw reject(BAD_FIELD, "member " + name + " must be an integer, was " + e);
      }
      long v;
      try {
        v = Long.parseLong(e.getAsString());
      } catch (NumberFormatException x) {
        throw reject(BAD_FIELD, "member " + name + " is out of range: " + e);
      }
      if (v < min || v > max) {
        throw reject(BAD_FIELD, "member " + name + " must be at least " + min + ", was " + v);
      }
      return v;
    }

    long millis(String name) throws Rejection {
      long v = optLong(name, -1, 0, Long.MAX_VALUE);
      if (v < 0) {
        throw reject(MISSING_FIELD, "missing member " + name);
      }
      return v;
    }
  }

  /** Whether a member is a JSON integer: {@code -?(0|[1-9][0-9]*)}, no fraction or exponent. */
  private static boolean isInteger(JsonElement e) {
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      return false;
    }
    String s = p.getAsString();
    int i = s.startsWith("-") ? 1 : 0;
    if (i >= s.length() || (s.charAt(i) == '0' && s.length() > i + 1)) {
      return false;
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes a task. {@code payload} is the JSON text the stage's codec wrote; it is embedded as is.
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
      long ts) {
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
            id, graph, stage, run, List.of(), attempt, JsonParser.parseString("0"), null, 0, 0);
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

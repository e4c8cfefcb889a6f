package io.celestialflow.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the members of one parsed message into its record ({@link Wire#readChecked}), checking each
 * in the order docs/protocol.md gives, and rejecting the message with the protocol's code and a
 * reason at the first that is wrong.
 */
final class MessageReader {
  final JsonObject o;

  MessageReader(JsonObject o) {
    this.o = o;
  }

  /**
   * A member, or null when it is absent or JSON {@code null}: a null member counts as absent (as
   * Gson writes them), except {@code payload}, where null is a value (docs/protocol.md section 3).
   */
  @Nullable JsonElement get(String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? null : e;
  }

  Wire.Rejection reject(String code, String reason) {
    return new Wire.Rejection(code, reason, o, null);
  }

  String header() throws Wire.Rejection {
    JsonElement v = get("v");
    if (v == null) {
      throw reject(Wire.MISSING_FIELD, "missing member v (the protocol version)");
    }
    if (!isInteger(v)) {
      throw reject(Wire.BAD_FIELD, "member v must be an integer, was " + v);
    }
    if (!v.getAsString().equals("1")) {
      throw reject(
          Wire.UNSUPPORTED_VERSION, "unsupported protocol version " + v + " (this reader knows 1)");
    }
    JsonElement kind = get("kind");
    if (kind == null) {
      throw reject(Wire.MISSING_FIELD, "missing member kind");
    }
    if (!(kind instanceof JsonPrimitive p && p.isString())) {
      throw reject(Wire.BAD_FIELD, "member kind must be a string, was " + kind);
    }
    String k = p.getAsString();
    if (!k.equals("task")
        && !k.equals("result")
        && !k.equals("results")
        && !k.equals("end")
        && !k.equals("dead")) {
      throw reject(Wire.UNKNOWN_KIND, "unknown kind '" + k + "'");
    }
    return k;
  }

  Wire.Task task(boolean needReply) throws Wire.Rejection {
    String id = str("id");
    String graph = str("graph");
    String stage = str("stage");
    String run = str("run");
    List<String> parents = strings("parents");
    int attempt = (int) optLong("attempt", 1, 1, Integer.MAX_VALUE);
    JsonElement payload = o.get("payload"); // JSON null is a payload
    if (payload == null) {
      throw reject(Wire.MISSING_FIELD, "missing member payload");
    }
    String reply = needReply ? str("reply") : optStr("reply");
    long ttl = optLong("ttl", 0, 1, Long.MAX_VALUE);
    long ts = millis("ts");
    // Only a JSON true asks for packed results; anything else leaves the worker writing singles.
    boolean pack =
        reply != null
            && o.get("pack") instanceof JsonPrimitive p
            && p.isBoolean()
            && p.getAsBoolean();
    return new Wire.Task(id, graph, stage, run, parents, attempt, payload, reply, ttl, ts, pack);
  }

  Wire.Result result() throws Wire.Rejection {
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
          default ->
              throw reject(Wire.BAD_FIELD, "member status must be ok or error, was " + status);
        };
    JsonElement value = get("value");
    JsonElement values = get("values");
    JsonElement error = get("error");
    Wire.ErrorInfo err = null;
    if (ok) {
      if (error != null) {
        throw reject(Wire.BAD_FIELD, "an ok result must not carry error");
      }
      if (value != null && values != null) {
        throw reject(Wire.BAD_FIELD, "a result carries value or values, not both");
      }
      if (values != null && !values.isJsonArray()) {
        throw reject(Wire.BAD_FIELD, "member values must be an array");
      }
    } else {
      if (value != null || values != null) {
        throw reject(Wire.BAD_FIELD, "an error result must not carry value or values");
      }
      if (error == null) {
        throw reject(Wire.MISSING_FIELD, "missing member error (status is error)");
      }
      err = error(error);
    }
    String worker = str("worker");
    String lang = optStr("lang");
    long delivery = optLong("delivery", -1, 1, Long.MAX_VALUE);
    if (delivery < 0) {
      throw reject(Wire.MISSING_FIELD, "missing member delivery");
    }
    long started = millis("started");
    long finished = millis("finished");
    return new Wire.Result(
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

  Wire.End end() throws Wire.Rejection {
    String graph = str("graph");
    String stage = str("stage");
    String run = str("run");
    long count = optLong("count", -1, 0, Long.MAX_VALUE);
    long ts = millis("ts");
    return new Wire.End(graph, stage, run, count, ts);
  }

  Wire.Dead dead() throws Wire.Rejection {
    String code = str("code");
    JsonElement reasonE = get("reason");
    if (!(reasonE instanceof JsonPrimitive p && p.isString())) {
      throw reject(
          reasonE == null ? Wire.MISSING_FIELD : Wire.BAD_FIELD, "member reason: a string");
    }
    String entry = str("entry");
    String stream = str("stream");
    long deliveries = optLong("deliveries", -1, 1, Long.MAX_VALUE);
    if (deliveries < 0) {
      throw reject(Wire.MISSING_FIELD, "missing member deliveries");
    }
    String worker = str("worker");
    JsonElement message = get("message");
    String raw = optStr("raw");
    if ((message == null) == (raw == null)) {
      throw reject(Wire.BAD_FIELD, "a dead letter carries exactly one of message and raw");
    }
    if (message != null && !message.isJsonObject()) {
      throw reject(Wire.BAD_FIELD, "member message must be an object");
    }
    JsonElement error = get("error");
    Wire.ErrorInfo err = error == null ? null : error(error);
    return new Wire.Dead(
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

  Wire.ErrorInfo error(JsonElement e) throws Wire.Rejection {
    if (!(e instanceof JsonObject eo)) {
      throw reject(Wire.BAD_FIELD, "member error must be an object");
    }
    MessageReader r = new MessageReader(eo);
    String type;
    try {
      type = r.str("type");
    } catch (Wire.Rejection x) {
      throw reject(x.code, "error." + x.reason().substring(x.code.length() + 2));
    }
    List<String> types = r.strings("types");
    if (types.isEmpty()) {
      types = List.of(type);
    }
    String message = r.optStr("message");
    String trace = r.optStr("trace");
    return new Wire.ErrorInfo(
        type, types, message == null ? "" : message, trace == null ? "" : trace);
  }

  /** A required non-empty string. */
  String str(String name) throws Wire.Rejection {
    JsonElement e = get(name);
    if (e == null) {
      throw reject(Wire.MISSING_FIELD, "missing member " + name);
    }
    if (!(e instanceof JsonPrimitive p && p.isString())) {
      throw reject(Wire.BAD_FIELD, "member " + name + " must be a string, was " + e);
    }
    String s = p.getAsString();
    if (s.isEmpty()) {
      throw reject(Wire.BAD_FIELD, "member " + name + " must not be empty");
    }
    return s;
  }

  /** An optional string (may be empty; null when absent). */
  @Nullable String optStr(String name) throws Wire.Rejection {
    JsonElement e = get(name);
    if (e == null) {
      return null;
    }
    if (!(e instanceof JsonPrimitive p && p.isString())) {
      throw reject(Wire.BAD_FIELD, "member " + name + " must be a string, was " + e);
    }
    return p.getAsString();
  }

  List<String> strings(String name) throws Wire.Rejection {
    JsonElement e = get(name);
    if (e == null) {
      return List.of();
    }
    if (!(e instanceof JsonArray a)) {
      throw reject(Wire.BAD_FIELD, "member " + name + " must be an array of strings, was " + e);
    }
    List<String> out = new ArrayList<>(a.size());
    for (JsonElement x : a) {
      if (!(x instanceof JsonPrimitive p && p.isString())) {
        throw reject(Wire.BAD_FIELD, "member " + name + " must be an array of strings, was " + e);
      }
      out.add(p.getAsString());
    }
    return List.copyOf(out);
  }

  long optLong(String name, long absent, long min, long max) throws Wire.Rejection {
    JsonElement e = get(name);
    if (e == null) {
      return absent;
    }
    if (!isInteger(e)) {
      throw reject(Wire.BAD_FIELD, "member " + name + " must be an integer, was " + e);
    }
    long v;
    try {
      v = Long.parseLong(e.getAsString());
    } catch (NumberFormatException x) {
      throw reject(Wire.BAD_FIELD, "member " + name + " is out of range: " + e);
    }
    if (v < min || v > max) {
      throw reject(Wire.BAD_FIELD, "member " + name + " must be at least " + min + ", was " + v);
    }
    return v;
  }

  long millis(String name) throws Wire.Rejection {
    long v = optLong(name, -1, 0, Long.MAX_VALUE);
    if (v < 0) {
      throw reject(Wire.MISSING_FIELD, "missing member " + name);
    }
    return v;
  }

  /** Whether a member is a JSON integer: {@code -?(0|[1-9][0-9]*)}, no fraction or exponent. */
  static boolean isInteger(JsonElement e) {
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
}

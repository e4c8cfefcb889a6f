package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.reflect.TypeToken;
import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden vectors of {@code protocol/vectors} (shared with the Go worker's tests): each valid
 * message decodes to its expectation and, when canonical, the Java writer produces it byte for
 * byte; each malformed one is rejected with its code. Plus the key-name vectors of {@code
 * protocol/keys.json}.
 */
class ProtocolVectorsTest {
  static final Path PROTOCOL = Path.of("..", "protocol");
  private static final GsonCodecFactory CODECS = new GsonCodecFactory();

  static Stream<Path> vectors() throws IOException {
    try (Stream<Path> files = Files.list(PROTOCOL.resolve("vectors"))) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(list).hasSizeGreaterThan(30);
      return list.stream();
    }
  }

  @Test
  void everyKindAndEveryRejectionCodeHasAVector() throws IOException {
    List<String> kinds = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    for (Path p : vectors().toList()) {
      JsonObject v = read(p);
      if (v.has("expect")) {
        kinds.add(v.getAsJsonObject("expect").get("kind").getAsString());
      } else {
        codes.add(v.getAsJsonObject("reject").get("code").getAsString());
      }
    }
    assertThat(kinds).contains("task", "result", "end", "dead");
    assertThat(codes)
        .contains(
            Wire.BAD_ENTRY,
            Wire.BAD_JSON,
            Wire.MISSING_FIELD,
            Wire.BAD_FIELD,
            Wire.UNSUPPORTED_VERSION,
            Wire.UNKNOWN_KIND,
            Wire.UNEXPECTED_KIND,
            Wire.WRONG_STREAM,
            Wire.BAD_PAYLOAD);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void vector(Path file) throws IOException, Wire.Rejection {
    JsonObject v = read(file);
    assertThat(v.get("name").getAsString() + ".json").isEqualTo(file.getFileName().toString());
    JsonObject ctx = v.getAsJsonObject("context");
    Map<String, String> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> f : v.getAsJsonObject("fields").entrySet()) {
      fields.put(f.getKey(), f.getValue().getAsString());
    }
    Wire.Context context =
        switch (ctx.get("stream").getAsString()) {
          case "tasks" -> Wire.Context.TASKS;
          case "results" -> Wire.Context.RESULTS;
          case "source" -> Wire.Context.SOURCE;
          case "dead" -> Wire.Context.DEAD;
          default -> throw new AssertionError(ctx);
        };
    String graph = ctx.get("graph").getAsString();
    String stage = ctx.get("stage").getAsString();
    String type =
        ctx.has("payloadType")
            ? ctx.get("payloadType").getAsString()
            : ctx.has("valueType") ? ctx.get("valueType").getAsString() : "none";
    Object fast =
        WireFastPath.read(
            fields.get(Wire.FIELD),
            context,
            context == Wire.Context.DEAD ? null : graph,
            context == Wire.Context.DEAD ? null : stage);
    if (fast != null) {
      Object checked;
      try {
        checked = Wire.readChecked(fields, context, graph, stage);
      } catch (Wire.Rejection r) {
        throw new AssertionError("the fast path accepted what the checking reader rejects", r);
      }
      assertThat(fast).as("the fast path reads as the checking reader").isEqualTo(checked);
    }
    Object message;
    JsonElement decoded;
    try {
      message =
          Wire.read(
              fields,
              context,
              context == Wire.Context.DEAD ? null : graph,
              context == Wire.Context.DEAD ? null : stage);
      decoded = decodeAll(message, type);
    } catch (Wire.Rejection r) {
      if (!v.has("reject")) {
        throw new AssertionError("valid vector rejected: " + r.getMessage(), r);
      }
      JsonObject reject = v.getAsJsonObject("reject");
      assertThat(r.code).as(r.getMessage()).isEqualTo(reject.get("code").getAsString());
      assertThat(r.reason()).contains(reject.get("reason").getAsString());
      return;
    }
    if (v.has("reject")) {
      fail("malformed vector accepted: %s", message);
    }
    assertJsonEquals(decoded, v.getAsJsonObject("expect"));
    if (v.has("canonical") && v.get("canonical").getAsBoolean()) {
      assertThat(encode(message, type)).isEqualTo(fields.get("m"));
    }
  }

  /**
   * Writers never write JSON null members (the schema does not allow them), but a reader takes a
   * null member as absent, as Gson and the Go worker do; only payload takes null as a value
   * (docs/protocol.md section 3). The shared vector {@code malformed-id-null} checks a required
   * member; this checks the optional ones, which the schema test of the Go worker cannot.
   */
  @Test
  void aNullOptionalMemberCountsAsAbsent() throws Wire.Rejection {
    String m =
        "{\"v\":1,\"kind\":\"task\",\"id\":\"t1\",\"graph\":\"demo\",\"stage\":\"square\","
            + "\"run\":\"r1\",\"parents\":null,\"attempt\":null,\"payload\":null,"
            + "\"reply\":\"cf:{demo}:square:results:r1\",\"ttl\":null,\"future\":null,"
            + "\"ts\":1764590000000}";
    Wire.Task t = Wire.readTask(Map.of(Wire.FIELD, m), "demo", "square");
    assertThat(t.parents()).isEmpty();
    assertThat(t.attempt()).isEqualTo(1);
    assertThat(t.ttl()).isZero();
    assertThat(t.payload()).isEqualTo(JsonNull.INSTANCE);
  }

  /**
   * What the Java writers write takes {@link WireFastPath} (every vector also checks that the fast
   * path reads as the checking reader, or leaves the message to it).
   */
  @Test
  void theFastPathReadsWhatTheWritersWrite() throws Wire.Rejection {
    String reply = "cf:{demo}:square:results:r1";
    String task =
        Wire.task(
            "t1", "demo", "square", "r1", List.of("p1"), 2, "{\"x\":[1,2]}", reply, 1000, 7, false);
    Object t = WireFastPath.read(task, Wire.Context.TASKS, "demo", "square");
    assertThat(t)
        .isNotNull()
        .isEqualTo(
            Wire.readChecked(Map.of(Wire.FIELD, task), Wire.Context.TASKS, "demo", "square"));
    String ok = Wire.ok((Wire.Task) t, Wire.Shape.VALUES, "[1,4]", "w1", 1, 8, 9);
    Object r = WireFastPath.read(ok, Wire.Context.RESULTS, "demo", "square");
    assertThat(r)
        .isNotNull()
        .isEqualTo(
            Wire.readChecked(Map.of(Wire.FIELD, ok), Wire.Context.RESULTS, "demo", "square"));
    assertThat(WireFastPath.read(task, Wire.Context.TASKS, "demo", "cube")).isNull();
    assertThat(WireFastPath.read(task + " x", Wire.Context.TASKS, "demo", "square")).isNull();
  }

  /**
   * The fast path takes scalar payloads and values (numbers as their own text, strings without
   * escapes, booleans, a null payload) and gives what the checking reader gives; a string with an
   * escape, a number Gson's strict reader refuses, whitespace between tokens, go or stay right.
   */
  @Test
  void theFastPathReadsScalarsAsTheCheckingReaderDoes() throws Wire.Rejection {
    String reply = "cf:{demo}:square:results:r1";
    for (String payload :
        List.of("7", "-0", "1.50", "2e-3", "12345678901234567890123", "\"x y\"", "true", "null")) {
      String task =
          Wire.task("t1", "demo", "square", "r1", List.of(), 1, payload, reply, 0, 7, false);
      Object t = WireFastPath.read(task, Wire.Context.TASKS, "demo", "square");
      assertThat(t)
          .as(payload)
          .isNotNull()
          .isEqualTo(
              Wire.readChecked(Map.of(Wire.FIELD, task), Wire.Context.TASKS, "demo", "square"));
      assertThat(Wire.text(((Wire.Task) t).payload()))
          .isEqualTo(
              Wire.text(
                  Wire.readChecked(Map.of(Wire.FIELD, task), Wire.Context.TASKS, "demo", "square")
                          instanceof Wire.Task c
                      ? c.payload()
                      : null));
      if (!payload.equals("null")) {
        String ok = Wire.ok((Wire.Task) t, Wire.Shape.VALUE, payload, "w1", 1, 8, 9);
        assertThat(WireFastPath.read(ok, Wire.Context.RESULTS, "demo", "square"))
            .as(payload)
            .isNotNull()
            .isEqualTo(
                Wire.readChecked(Map.of(Wire.FIELD, ok), Wire.Context.RESULTS, "demo", "square"));
      }
    }
    String spaced =
        " { \"v\" : 1 , \"kind\":\"task\",\"id\":\"t1\",\"graph\":\"demo\",\"stage\":\"square\","
            + "\"run\":\"r1\",\"parents\":[ \"a\" , \"b\" ],\"payload\":\t[1, 2]\n,\"reply\":\"x\",\"ts\":0 } ";
    assertThat(WireFastPath.read(spaced, Wire.Context.TASKS, "demo", "square"))
        .isNotNull()
        .isEqualTo(
            Wire.readChecked(Map.of(Wire.FIELD, spaced), Wire.Context.TASKS, "demo", "square"));
    for (String payload :
        List.of("\"a\\nb\"", "\"a\tb\"", "01", "1.", "-", "+1", "NaN", "[1,]", "{\"a\":1}}")) {
      String task =
          Wire.task("t1", "demo", "square", "r1", List.of(), 1, payload, reply, 0, 7, false);
      assertThat(WireFastPath.read(task, Wire.Context.TASKS, "demo", "square"))
          .as(payload)
          .isNull();
    }
  }

  /** A scalar's text for the codec is what Gson would write of it. */
  @Test
  void theTextOfAScalarIsWhatGsonWrites() {
    for (String json :
        List.of(
            "0",
            "-0",
            "42",
            "-9223372036854775808",
            "18446744073709551616",
            "1.5e300",
            "2.50",
            "true",
            "false",
            "null",
            "\"a\\\"b\"",
            "[1,\"x\"]",
            "{\"k\":1}")) {
      JsonElement e = JsonParser.parseString(json);
      assertThat(Wire.text(e)).as(json).isEqualTo(e.toString());
    }
  }

  @Test
  void keyNames() throws IOException {
    JsonObject keys = read(PROTOCOL.resolve("keys.json"));
    JsonArray cases = keys.getAsJsonArray("cases");
    assertThat(cases).hasSizeGreaterThan(5);
    List<String> all = new ArrayList<>();
    for (JsonElement e : cases) {
      JsonObject c = e.getAsJsonObject();
      RedisKeys k =
          new RedisKeys(
              c.get("namespace").getAsString(),
              c.get("graph").getAsString(),
              c.get("stage").getAsString());
      assertThat(RedisKeys.escape(k.graph())).isEqualTo(c.get("escapedGraph").getAsString());
      assertThat(RedisKeys.escape(k.stage())).isEqualTo(c.get("escapedStage").getAsString());
      assertThat(k.tasks()).isEqualTo(c.get("tasks").getAsString());
      assertThat(k.results(c.get("run").getAsString())).isEqualTo(c.get("results").getAsString());
      assertThat(k.dead()).isEqualTo(c.get("dead").getAsString());
      assertThat(k.workers()).isEqualTo(c.get("workers").getAsString());
      all.add(k.tasks());
    }
    assertThat(all).doesNotHaveDuplicates();
  }

  // ------------------------------------------------------------------ decoding to JSON

  /** The decoded message as the vectors' expect object: every member, null when absent. */
  private static JsonElement decodeAll(Object message, String type) throws Wire.Rejection {
    JsonObject o = new JsonObject();
    switch (message) {
      case Wire.Task t -> {
        o.addProperty("kind", "task");
        o.addProperty("id", t.id());
        o.addProperty("graph", t.graph());
        o.addProperty("stage", t.stage());
        o.addProperty("run", t.run());
        o.add("parents", strings(t.parents()));
        o.addProperty("attempt", t.attempt());
        o.add("payload", decodeValue(t.payload(), type, "payload"));
        o.add("reply", t.reply() == null ? JsonNull.INSTANCE : new JsonPrimitive(t.reply()));
        if (t.pack()) { // only where a vector asks for packed results
          o.addProperty("pack", true);
        }
        o.add("ttl", t.ttl() == 0 ? JsonNull.INSTANCE : new JsonPrimitive(t.ttl()));
        o.addProperty("ts", t.ts());
      }
      case Wire.Result r -> {
        o.addProperty("kind", "result");
        o.addProperty("id", r.id());
        o.addProperty("graph", r.graph());
        o.addProperty("stage", r.stage());
        o.addProperty("run", r.run());
        o.addProperty("attempt", r.attempt());
        o.addProperty("status", r.ok() ? "ok" : "error");
        JsonElement value = r.value();
        JsonArray values = r.values();
        if (value != null) {
          o.add("value", decodeValue(value, type, "value"));
        }
        if (values != null) {
          JsonArray out = new JsonArray();
          for (JsonElement e : values) {
            out.add(decodeValue(e, type, "values"));
          }
          o.add("values", out);
        }
        Wire.ErrorInfo error = r.error();
        if (error != null) {
          o.add("error", error(error));
        }
        o.addProperty("worker", r.worker());
        o.add("lang", r.lang() == null ? JsonNull.INSTANCE : new JsonPrimitive(r.lang()));
        o.addProperty("delivery", r.delivery());
        o.addProperty("started", r.started());
        o.addProperty("finished", r.finished());
      }
      case Wire.End e -> {
        o.addProperty("kind", "end");
        o.addProperty("graph", e.graph());
        o.addProperty("stage", e.stage());
        o.addProperty("run", e.run());
        o.add("count", e.count() < 0 ? JsonNull.INSTANCE : new JsonPrimitive(e.count()));
        o.addProperty("ts", e.ts());
      }
      case Wire.Dead d -> {
        o.addProperty("kind", "dead");
        o.addProperty("code", d.code());
        o.addProperty("reason", d.reason());
        o.addProperty("entry", d.entry());
        o.addProperty("stream", d.stream());
        o.addProperty("deliveries", d.deliveries());
        o.addProperty("worker", d.worker());
        JsonObject m = d.message();
        o.add("message", m == null ? JsonNull.INSTANCE : m);
        o.add("raw", d.raw() == null ? JsonNull.INSTANCE : new JsonPrimitive(d.raw()));
        Wire.ErrorInfo error = d.error();
        o.add("error", error == null ? JsonNull.INSTANCE : error(error));
        for (String[] kv :
            new String[][] {
              {"id", d.id()},
              {"graph", d.graph()},
              {"stage", d.stage()},
              {"run", d.run()},
              {"reply", d.reply()}
            }) {
          o.add(kv[0], kv[1] == null ? JsonNull.INSTANCE : new JsonPrimitive(kv[1]));
        }
        o.addProperty("ts", d.ts());
      }
      default -> throw new AssertionError(message);
    }
    return o;
  }

  private static JsonObject error(Wire.ErrorInfo e) {
    JsonObject o = new JsonObject();
    o.addProperty("type", e.type());
    o.add("types", strings(e.types()));
    o.addProperty("message", e.message());
    o.addProperty("trace", e.trace());
    return o;
  }

  private static JsonArray strings(List<String> list) {
    JsonArray a = new JsonArray();
    list.forEach(a::add);
    return a;
  }

  static Type javaType(String type) {
    return switch (type) {
      case "int64" -> Long.class;
      case "float64" -> Double.class;
      case "string" -> String.class;
      case "bool" -> Boolean.class;
      case "list<int64>" -> new TypeToken<List<Long>>() {}.getType();
      case "list<string>" -> new TypeToken<List<String>>() {}.getType();
      case "map<string,int64>" -> new TypeToken<Map<String, Long>>() {}.getType();
      case "json" -> JsonElement.class;
      default -> throw new AssertionError("unknown vector type " + type);
    };
  }

  /** Decodes a payload or value with the stage codec, then shows it as JSON again. */
  private static JsonElement decodeValue(JsonElement e, String type, String what)
      throws Wire.Rejection {
    TaskCodec<Object> codec = CODECS.codec(javaType(type));
    Object value;
    try {
      value = codec.decode(e.toString().getBytes(StandardCharsets.UTF_8));
    } catch (CodecException x) {
      throw new Wire.Rejection(Wire.BAD_PAYLOAD, what + ": " + x.getMessage(), null, null);
    }
    if (value instanceof JsonElement tree) {
      return tree; // as read: Gson's codec would drop null members when writing it again
    }
    return JsonParser.parseString(
        new String(codec.encode(value), StandardCharsets.UTF_8)); // exact: Long, LazilyParsedNumber
  }

  // ------------------------------------------------------------------ encoding

  private static String encode(Object message, String type) throws Wire.Rejection {
    return switch (message) {
      case Wire.Task t ->
          Wire.task(
              t.id(),
              t.graph(),
              t.stage(),
              t.run(),
              t.parents(),
              t.attempt(),
              decodeValue(t.payload(), type, "payload").toString(),
              t.reply(),
              t.ttl(),
              t.ts(),
              t.pack());
      case Wire.Result r -> {
        Wire.Task head =
            new Wire.Task(
                r.id(),
                r.graph(),
                r.stage(),
                r.run(),
                List.of(),
                r.attempt(),
                JsonNull.INSTANCE,
                null,
                0,
                0,
                false);
        Wire.ErrorInfo error = r.error();
        if (error != null) {
          yield Wire.error(head, error, r.worker(), r.delivery(), r.started(), r.finished());
        }
        JsonElement value = r.value();
        JsonArray values = r.values();
        if (value != null) {
          yield Wire.ok(
              head,
              Wire.Shape.VALUE,
              decodeValue(value, type, "value").toString(),
              r.worker(),
              r.delivery(),
              r.started(),
              r.finished());
        }
        if (values != null) {
          JsonArray out = new JsonArray();
          for (JsonElement e : values) {
            out.add(decodeValue(e, type, "values"));
          }
          yield Wire.ok(
              head,
              Wire.Shape.VALUES,
              out.toString(),
              r.worker(),
              r.delivery(),
              r.started(),
              r.finished());
        }
        yield Wire.ok(
            head, Wire.Shape.NONE, null, r.worker(), r.delivery(), r.started(), r.finished());
      }
      case Wire.End e -> Wire.end(e.graph(), e.stage(), e.run(), e.count(), e.ts());
      case Wire.Dead d -> Wire.dead(d);
      default -> throw new AssertionError(message);
    };
  }

  // ------------------------------------------------------------------ helpers

  static JsonObject read(Path p) throws IOException {
    return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  /** JSON equality with numbers compared by exact decimal value. */
  static void assertJsonEquals(@Nullable JsonElement actual, JsonElement expected) {
    assertThat(jsonEquals(actual, expected))
        .as("expected %s%nbut was  %s", expected, actual)
        .isTrue();
  }

  static boolean jsonEquals(@Nullable JsonElement a, @Nullable JsonElement b) {
    if (a == null || a.isJsonNull()) {
      return b == null || b.isJsonNull();
    }
    if (b == null || b.isJsonNull()) {
      return false;
    }
    if (a.isJsonObject() && b.isJsonObject()) {
      JsonObject x = a.getAsJsonObject();
      JsonObject y = b.getAsJsonObject();
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      return x.keySet().stream().allMatch(k -> jsonEquals(x.get(k), y.get(k)));
    }
    if (a.isJsonArray() && b.isJsonArray()) {
      JsonArray x = a.getAsJsonArray();
      JsonArray y = b.getAsJsonArray();
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!jsonEquals(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof JsonPrimitive p && b instanceof JsonPrimitive q) {
      if (p.isNumber() && q.isNumber()) {
        return new BigDecimal(p.getAsString()).compareTo(new BigDecimal(q.getAsString())) == 0;
      }
      return p.equals(q);
    }
    return false;
  }
}

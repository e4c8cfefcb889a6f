package io.celestialflow.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Packed results (docs/protocol.md section 3.5): one result-stream entry whose message, of kind
 * {@code results}, carries several result messages — what a worker appends when it commits a batch
 * in the commit script's packed form, an entry per 64 KiB of results instead of one per task.
 */
final class ResultPack {
  /** How the Java worker starts a pack; anything else is read by the checking path. */
  static final String HEAD = "{\"v\":1,\"kind\":\"results\",\"results\":[";

  private ResultPack() {}

  /**
   * The results packed in {@code m}, in order: each a {@link Wire.Result} when the fast path read
   * it, else its message text for the checking reader; null when {@code m} is not a pack (a single
   * result, or something the single-result reader will reject).
   *
   * @throws Wire.Rejection when {@code m} is a readable message of kind {@code results} but its
   *     member {@code results} is not a non-empty list of objects: none of its results is readable
   */
  static @Nullable List<?> unpack(@Nullable String m, String graph, String stage)
      throws Wire.Rejection {
    if (m == null) {
      return null;
    }
    if (m.startsWith(HEAD)) {
      List<Object> fast = WireFastPath.pack(m, graph, stage);
      if (fast != null) {
        return fast;
      }
    } else if (!m.contains("\"results\"")) {
      return null; // a single result: it has no member of that name
    }
    return checked(m);
  }

  /** Reads a pack with every check (any spacing or member order); null when it is not a pack. */
  private static @Nullable List<String> checked(String m) throws Wire.Rejection {
    MessageReader r;
    String kind;
    try {
      r = new MessageReader(Wire.parse(Map.of(Wire.FIELD, m)));
      kind = r.header();
    } catch (Wire.Rejection e) {
      return null; // not a readable message at all: the single-result reader says why
    }
    if (!kind.equals("results")) {
      return null;
    }
    JsonElement results = r.o.get("results");
    if (!(results instanceof JsonArray a) || a.isEmpty()) {
      throw r.reject(Wire.BAD_FIELD, "member results must be a non-empty array of results");
    }
    List<String> out = new ArrayList<>(a.size());
    for (JsonElement e : a) {
      if (!(e instanceof JsonObject)) {
        throw r.reject(Wire.BAD_FIELD, "member results must hold result objects, not " + e);
      }
      out.add(e.toString());
    }
    return out;
  }
}

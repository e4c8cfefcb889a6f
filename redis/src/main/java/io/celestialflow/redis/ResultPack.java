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
 * {@code results}, carries several result messages — what the commit script appends for results a
 * worker writes in mode {@code p}, one entry per batch instead of one per task.
 */
final class ResultPack {
  /** How the commit script starts a pack; anything else is read by the checking path. */
  static final String HEAD = "{\"v\":1,\"kind\":\"results\",\"results\":[";

  private static final String TAIL = "]}";

  private ResultPack() {}

  /**
   * The result messages packed in {@code m}, in order; null when {@code m} is not a pack (a single
   * result, or something the single-result reader will reject).
   *
   * @throws Wire.Rejection when {@code m} is a readable message of kind {@code results} but its
   *     member {@code results} is not a non-empty list of objects: none of its results is readable
   */
  static @Nullable List<String> unpack(@Nullable String m) throws Wire.Rejection {
    if (m == null) {
      return null;
    }
    if (m.startsWith(HEAD) && m.endsWith(TAIL)) {
      List<String> fast = split(m, HEAD.length(), m.length() - TAIL.length());
      if (fast != null) {
        return fast;
      }
    } else if (!m.contains("\"results\"")) {
      return null; // a single result: it has no member of that name
    }
    return checked(m);
  }

  /**
   * The objects of the array body {@code m[from, to)}, split where a comma stands between them
   * outside strings; null when the body is not a list of objects (the checking path says why).
   */
  private static @Nullable List<String> split(String m, int from, int to) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = from;
    boolean inString = false;
    for (int i = from; i < to; i++) {
      char c = m.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (depth == 0 && (c != '{' || i != start)) {
          return null; // an element that is not an object, or text before it
        }
        depth++;
      } else if (c == '}' || c == ']') {
        if (--depth < 0) {
          return null;
        }
      } else if (c == ',' && depth == 0) {
        if (i == start) {
          return null; // an empty element
        }
        out.add(m.substring(start, i));
        start = i + 1;
      } else if (depth == 0) {
        return null; // whitespace or a scalar between elements: the checking path
      }
    }
    if (depth != 0 || inString || start == to) {
      return null;
    }
    out.add(m.substring(start, to));
    return out;
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

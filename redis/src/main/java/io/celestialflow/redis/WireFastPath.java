package io.celestialflow.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
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
final class WireFastPath {
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

  /** Declines a message: the checking reader reads it. */
  private static final class Decline extends Exception {
    private static final long serialVersionUID = 1L;
    static final Decline INSTANCE = new Decline();

    private Decline() {
      super(null, null, false, false);
    }
  }

  private final String m;
  private int i;

  private WireFastPath(String m) {
    this.m = m;
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

  // ------------------------------------------------------------------ tokens

  private void space() {
    while (i < m.length()) {
      char c = m.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  private void expect(char c) throws Decline {
    space();
    if (i >= m.length() || m.charAt(i) != c) {
      throw Decline.INSTANCE;
    }
    i++;
  }

  /** Consumes {@code c} if it comes next. */
  private boolean next(char c) {
    space();
    if (i < m.length() && m.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  /** After a member: true for a comma (another member follows), false for the closing brace. */
  private boolean separator() throws Decline {
    if (next(',')) {
      return true;
    }
    expect('}');
    return false;
  }

  /**
   * A member name (one of {@code names}, matched in place: a name is plain letters, so its text
   * followed by a quote is that name) and its colon; its index. The writers write members in the
   * canonical order, so the name after {@code last} is tried first.
   */
  private int name(String[] names, int last) throws Decline {
    expect('"');
    int hint = last + 1 < names.length ? last + 1 : 0;
    for (int n = 0; n < names.length; n++) {
      int k = n == 0 ? hint : n - 1 < hint ? n - 1 : n;
      String name = names[k];
      int end = i + name.length();
      if (end < m.length() && m.charAt(end) == '"' && at(name, i)) {
        i = end + 1;
        expect(':');
        return k;
      }
    }
    throw Decline.INSTANCE; // unknown: the checking reader decides
  }

  /**
   * A string member that must be {@code expected}, compared in place (no copy); declines when it is
   * anything else, or when {@code expected} would need escaping (then the text cannot match as is).
   */
  private void literal(String expected) throws Decline {
    expect('"');
    int end = i + expected.length();
    if (end >= m.length() || m.charAt(end) != '"' || !at(expected, i) || !plain(expected)) {
      throw Decline.INSTANCE;
    }
    i = end + 1;
  }

  /**
   * Whether {@code s} stands in the message at {@code from}, compared a character at a time: the
   * names and literals are a few characters long, shorter than {@link String#startsWith}'s
   * vectorized comparison takes to set up.
   */
  private boolean at(String s, int from) {
    int n = s.length();
    if (from + n > m.length()) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (m.charAt(from + k) != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean plain(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < 0x20 || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** The index of the closing quote of the string whose first character is at {@code i}. */
  private int stringEnd() throws Decline {
    for (int k = i; k < m.length(); k++) {
      char c = m.charAt(k);
      if (c == '"') {
        return k;
      }
      if (c == '\\' || c < 0x20) {
        throw Decline.INSTANCE; // escapes and control characters: the checking reader
      }
    }
    throw Decline.INSTANCE;
  }

  private String string() throws Decline {
    expect('"');
    int end = stringEnd();
    String s = m.substring(i, end);
    i = end + 1;
    return s;
  }

  private List<String> strings() throws Decline {
    expect('[');
    if (next(']')) {
      return List.of();
    }
    List<String> out = new ArrayList<>(2);
    do {
      out.add(string());
    } while (next(','));
    expect(']');
    return List.copyOf(out);
  }

  /** {@code true} or {@code false}; anything else declines (the checking reader decides). */
  private boolean bool() throws Decline {
    space();
    if (m.startsWith("true", i)) {
      i += 4;
      return true;
    }
    if (m.startsWith("false", i)) {
      i += 5;
      return false;
    }
    throw Decline.INSTANCE;
  }

  /** An integer written as a JSON integer ({@code -?(0|[1-9][0-9]*)}) within [min, max]. */
  private long integer(long min, long max) throws Decline {
    space();
    int start = i;
    boolean negative = i < m.length() && m.charAt(i) == '-';
    if (negative) {
      i++;
    }
    int digits = i;
    long value = 0;
    while (i < m.length()) {
      char c = m.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      // Eighteen digits always fit in a long; only a longer number needs the overflow check (a
      // division per digit, which cost more than the rest of reading a timestamp).
      if (i - digits >= 18 && value > (Long.MAX_VALUE - (c - '0')) / 10) {
        throw Decline.INSTANCE; // beyond a long
      }
      value = value * 10 + (c - '0');
      i++;
    }
    int n = i - digits;
    if (n == 0 || (n > 1 && m.charAt(digits) == '0') || numberGoesOn() || i - start > 20) {
      throw Decline.INSTANCE;
    }
    value = negative ? -value : value;
    if (value < min || value > max) {
      throw Decline.INSTANCE;
    }
    return value;
  }

  /** Whether a number continues as a fraction or an exponent (not an integer). */
  private boolean numberGoesOn() {
    if (i >= m.length()) {
      return false;
    }
    char c = m.charAt(i);
    return c == '.' || c == 'e' || c == 'E';
  }

  /**
   * A payload or value: a number as Gson reads it (its own text), a string without escapes, true,
   * false, null when {@code nullable}, or an object or array parsed by Gson.
   */
  private JsonElement value(boolean nullable) throws Decline {
    space();
    if (i >= m.length()) {
      throw Decline.INSTANCE;
    }
    char c = m.charAt(i);
    if (c == '"') {
      return new JsonPrimitive(string());
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return new JsonPrimitive(new NumberText(number()));
    }
    if (c == '{' || c == '[') {
      return structure();
    }
    if (m.startsWith("true", i)) {
      i += 4;
      return new JsonPrimitive(true);
    }
    if (m.startsWith("false", i)) {
      i += 5;
      return new JsonPrimitive(false);
    }
    if (nullable && m.startsWith("null", i)) {
      i += 4;
      return JsonNull.INSTANCE;
    }
    throw Decline.INSTANCE;
  }

  /** A JSON number ({@code -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?}), as its text. */
  private String number() throws Decline {
    int start = i;
    if (m.charAt(i) == '-') {
      i++;
    }
    int digits = digits();
    if (digits == 0 || (digits > 1 && m.charAt(i - digits) == '0')) {
      throw Decline.INSTANCE;
    }
    if (i < m.length() && m.charAt(i) == '.') {
      i++;
      if (digits() == 0) {
        throw Decline.INSTANCE;
      }
    }
    if (i < m.length() && (m.charAt(i) == 'e' || m.charAt(i) == 'E')) {
      i++;
      if (i < m.length() && (m.charAt(i) == '+' || m.charAt(i) == '-')) {
        i++;
      }
      if (digits() == 0) {
        throw Decline.INSTANCE;
      }
    }
    return m.substring(start, i);
  }

  private int digits() {
    int start = i;
    while (i < m.length() && m.charAt(i) >= '0' && m.charAt(i) <= '9') {
      i++;
    }
    return i - start;
  }

  /** An object or array: its extent found here, parsed (and checked) by Gson strictly. */
  private JsonElement structure() throws Decline {
    int start = i;
    int depth = 0;
    boolean inString = false;
    for (; i < m.length(); i++) {
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
        depth++;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        i++;
        return parse(m.substring(start, i));
      }
    }
    throw Decline.INSTANCE;
  }

  private static JsonElement parse(String json) throws Decline {
    try {
      JsonReader r = new JsonReader(new StringReader(json));
      r.setStrictness(Strictness.STRICT);
      JsonElement e = JsonParser.parseReader(r);
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw Decline.INSTANCE;
      }
      return e;
    } catch (IOException | RuntimeException e) {
      throw Decline.INSTANCE;
    }
  }

  /**
   * A number kept as its JSON text, as Gson's own trees keep it (its {@code LazilyParsedNumber},
   * which is internal to Gson): {@link Wire#text} gives the codec that very text.
   */
  private static final class NumberText extends Number {
    private static final long serialVersionUID = 1L;
    private final String text;

    NumberText(String text) {
      this.text = text;
    }

    @Override
    public int intValue() {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        return (int) longValue();
      }
    }

    @Override
    public long longValue() {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return new BigDecimal(text).longValue();
      }
    }

    @Override
    public float floatValue() {
      return Float.parseFloat(text);
    }

    @Override
    public double doubleValue() {
      return Double.parseDouble(text);
    }

    @Override
    public String toString() {
      return text;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NumberText n && n.text.equals(text);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }
  }
}

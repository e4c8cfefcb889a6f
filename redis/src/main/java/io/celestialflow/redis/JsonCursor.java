package io.celestialflow.redis;

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

/**
 * A position in the text of a well-formed JSON message and the tokens read from it, for {@link
 * WireFastPath}: each read consumes its token or throws {@link Decline} — the message is not what
 * the fast path reads, and the checking reader ({@link Wire#read}) reads it again and says why.
 * Strings with escapes, numbers beyond a long, anything unexpected: declined, never guessed.
 */
class JsonCursor {
  /** Declines a message: the checking reader reads it. */
  static final class Decline extends Exception {
    private static final long serialVersionUID = 1L;
    static final Decline INSTANCE = new Decline();

    private Decline() {
      super(null, null, false, false);
    }
  }

  final String m;
  int i;

  JsonCursor(String m) {
    this.m = m;
  }

  void space() {
    while (i < m.length()) {
      char c = m.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  void expect(char c) throws Decline {
    space();
    if (i >= m.length() || m.charAt(i) != c) {
      throw Decline.INSTANCE;
    }
    i++;
  }

  /** Consumes {@code c} if it comes next. */
  boolean next(char c) {
    space();
    if (i < m.length() && m.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  /** After a member: true for a comma (another member follows), false for the closing brace. */
  boolean separator() throws Decline {
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
  int name(String[] names, int last) throws Decline {
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
  void literal(String expected) throws Decline {
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
  boolean at(String s, int from) {
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
  int stringEnd() throws Decline {
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

  String string() throws Decline {
    expect('"');
    int end = stringEnd();
    String s = m.substring(i, end);
    i = end + 1;
    return s;
  }

  List<String> strings() throws Decline {
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
  boolean bool() throws Decline {
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
  long integer(long min, long max) throws Decline {
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
  boolean numberGoesOn() {
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
  JsonElement value(boolean nullable) throws Decline {
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
  String number() throws Decline {
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

  int digits() {
    int start = i;
    while (i < m.length() && m.charAt(i) >= '0' && m.charAt(i) <= '9') {
      i++;
    }
    return i - start;
  }

  /** An object or array: its extent found here, parsed (and checked) by Gson strictly. */
  JsonElement structure() throws Decline {
    int start = i;
    skipStructure();
    return parse(m.substring(start, i));
  }

  /**
   * Moves past the object or array that starts here (brackets counted outside strings, escapes
   * skipped), without reading it.
   */
  void skipStructure() throws Decline {
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
        return;
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

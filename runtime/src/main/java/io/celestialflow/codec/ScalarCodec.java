package io.celestialflow.codec;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The boxed integers, booleans and strings written and read exactly as Gson's built-in adapters do,
 * without a writer, a reader and an extra string per value: a task or result of these types crosses
 * a worker process or Redis at a small fraction of the cost. Only for a Gson instance that uses the
 * built-in adapter for the type (a {@code LongSerializationPolicy.STRING} or a registered adapter
 * keeps the Gson path; strings only when Gson does not escape HTML), and only for the canonical
 * encoding: anything else a Gson reader accepts (a quoted number, an exponent, spaces, an escaped
 * character) is read, and a string that needs escaping is written, by Gson itself.
 *
 * @param <T> the type
 */
final class ScalarCodec<T> implements TaskCodec<T> {
  private static final Gson REFERENCE = new Gson();

  /** Per boxed type: its range, and how a long in range becomes a value of it. */
  private record Kind(long min, long max, LongFunction<Object> box) {}

  private static final Map<Class<?>, Kind> INTEGERS =
      Map.of(
          Long.class, new Kind(Long.MIN_VALUE, Long.MAX_VALUE, Long::valueOf),
          Integer.class, new Kind(Integer.MIN_VALUE, Integer.MAX_VALUE, v -> (int) v),
          Short.class, new Kind(Short.MIN_VALUE, Short.MAX_VALUE, v -> (short) v),
          Byte.class, new Kind(Byte.MIN_VALUE, Byte.MAX_VALUE, v -> (byte) v));

  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

  private final Type type;
  private final @Nullable Kind integer;
  private final boolean string;
  private final TaskCodec<T> fallback;

  private ScalarCodec(Type type, @Nullable Kind integer, boolean string, TaskCodec<T> fallback) {
    this.type = type;
    this.integer = integer;
    this.string = string;
    this.fallback = fallback;
  }

  /**
   * The scalar codec for {@code type} if it is a boxed integer or boolean that {@code gson} writes
   * with its built-in adapter; else {@code fallback} itself.
   */
  static <T> TaskCodec<T> orElse(Gson gson, Type type, TaskCodec<T> fallback) {
    if (!(type instanceof Class<?> c)) {
      return fallback;
    }
    Class<?> boxed = c.isPrimitive() ? box(c) : c;
    Kind kind = INTEGERS.get(boxed);
    boolean string = boxed == String.class;
    if (kind == null && boxed != Boolean.class && !(string && !gson.htmlSafe())) {
      return fallback;
    }
    TypeAdapter<?> builtIn = REFERENCE.getAdapter(boxed);
    if (gson.getAdapter(boxed) != builtIn) {
      return fallback; // a policy or an adapter of the user's: Gson's path applies it
    }
    return new ScalarCodec<>(type, kind, string, fallback);
  }

  private static Class<?> box(Class<?> primitive) {
    return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
  }

  /** The Gson codec used for what is not canonical (tests compare with it). */
  TaskCodec<T> fallback() {
    return fallback;
  }

  @Override
  public Type type() {
    return type;
  }

  @Override
  public byte[] encode(T value) {
    if (string) {
      String text = (String) value;
      if (needsEscaping(text)) {
        return fallback.encode(value);
      }
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[utf8.length + 2];
      out[0] = '"';
      System.arraycopy(utf8, 0, out, 1, utf8.length);
      out[out.length - 1] = '"';
      return out;
    }
    if (integer == null) {
      return ((Boolean) value) ? TRUE.clone() : FALSE.clone();
    }
    return Long.toString(((Number) value).longValue()).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * What Gson's writer escapes when it does not escape HTML: quote, backslash, controls, U+2028/9.
   */
  private static boolean needsEscaping(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c == '\u2028' || c == '\u2029') {
        return true;
      }
    }
    return false;
  }

  /** A quoted string with nothing escaped and no control character in it, or null. */
  private static @Nullable String plainString(byte[] data, int offset, int length) {
    int end = offset + length - 1;
    if (length < 2 || data[offset] != '"' || data[end] != '"') {
      return null;
    }
    for (int i = offset + 1; i < end; i++) {
      byte b = data[i];
      if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
        return null;
      }
    }
    return new String(data, offset + 1, length - 2, StandardCharsets.UTF_8);
  }

  @Override
  @SuppressWarnings("unchecked")
  public T decode(byte[] data, int offset, int length) {
    if (string) {
      String text = plainString(data, offset, length);
      return text != null ? (T) text : fallback.decode(data, offset, length);
    }
    Kind kind = integer;
    if (kind == null) {
      if (equal(data, offset, length, TRUE)) {
        return (T) Boolean.TRUE;
      }
      if (equal(data, offset, length, FALSE)) {
        return (T) Boolean.FALSE;
      }
      return fallback.decode(data, offset, length);
    }
    // The canonical form only: -?(0|[1-9][0-9]*), at most 18 digits (no overflow in a long).
    int i = offset;
    int end = offset + length;
    boolean negative = i < end && data[i] == '-';
    if (negative) {
      i++;
    }
    int digits = end - i;
    if (digits < 1 || digits > 18 || (data[i] == '0' && digits > 1)) {
      return fallback.decode(data, offset, length);
    }
    long v = 0;
    for (; i < end; i++) {
      int d = data[i] - '0';
      if (d < 0 || d > 9) {
        return fallback.decode(data, offset, length);
      }
      v = v * 10 + d;
    }
    if (negative) {
      v = -v;
    }
    if (v < kind.min() || v > kind.max()) {
      return fallback.decode(data, offset, length); // Gson says what is out of range
    }
    return (T) kind.box().apply(v);
  }

  private static boolean equal(byte[] data, int offset, int length, byte[] word) {
    if (length != word.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (data[offset + i] != word[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "ScalarCodec[" + type.getTypeName() + "]";
  }
}

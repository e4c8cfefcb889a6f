package io.celestialflow.store;

import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Encodes tasks and results as JSON through the codecs: with the stage's declared task type when it
 * has one, else with the value's own class. A value no codec can write is recorded by {@code
 * toString()} with a note saying why. Used by the writer thread only (not thread-safe).
 */
final class TaskEncoder {
  private final CodecFactory codecs;
  private final Map<Type, Object> cache = new HashMap<>(); // TaskCodec, or the reason it failed

  TaskEncoder(CodecFactory codecs) {
    this.codecs = codecs;
  }

  StoredTask encode(String stage, Object value, @Nullable Type declared) {
    Type type = declared != null && fits(declared, value) ? declared : value.getClass();
    Object codec = cache.computeIfAbsent(type, this::codecOrReason);
    String typeName = type.getTypeName();
    if (codec instanceof String reason) {
      return new StoredTask(stage, text(value), typeName, reason);
    }
    @SuppressWarnings("unchecked")
    TaskCodec<Object> c = (TaskCodec<Object>) codec;
    try {
      return new StoredTask(
          stage, new String(c.encode(value), StandardCharsets.UTF_8), typeName, null);
    } catch (RuntimeException | StackOverflowError e) {
      return new StoredTask(
          stage, text(value), typeName, "not serialisable as " + typeName + ": " + reason(e));
    }
  }

  private Object codecOrReason(Type type) {
    try {
      return codecs.codec(type);
    } catch (RuntimeException e) {
      return "no codec for " + type.getTypeName() + ": " + reason(e);
    }
  }

  /** Whether the declared type can hold the value (a raw check: generics are erased). */
  private static boolean fits(Type declared, Object value) {
    Class<?> raw = GenericRaw.of(declared);
    return raw == null || wrap(raw).isInstance(value);
  }

  private static Class<?> wrap(Class<?> c) {
    if (!c.isPrimitive()) {
      return c;
    }
    return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
  }

  private static String text(Object value) {
    try {
      return String.valueOf(value);
    } catch (RuntimeException e) {
      return value.getClass().getName() + " (toString threw " + e.getClass().getName() + ")";
    }
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getName() : m;
  }
}

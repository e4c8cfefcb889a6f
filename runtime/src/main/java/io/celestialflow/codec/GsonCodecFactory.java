package io.celestialflow.codec;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The default {@link CodecFactory}: JSON written and read by Gson with the exact generic type of
 * each value, so records, lists, maps, nested generics and the stage's own classes arrive as what
 * they were.
 *
 * <p>Types that cannot round-trip are refused when the codec is made, before any task runs: a type
 * that still has a type variable, {@code Object} (Gson would decode maps, lists and doubles), an
 * interface or abstract class Gson has no adapter for, a class whose fields Gson may not access.
 * Values that cannot be written are refused per value, for example a {@code NaN} or infinite double
 * (not JSON) or a structure with a reference cycle.
 *
 * <p>To configure Gson — type adapters for your interfaces, field naming, special floating-point
 * values — subclass this factory with a public no-argument constructor, so that worker processes
 * can create it too:
 *
 * <pre>{@code
 * public final class MyCodecs extends GsonCodecFactory {
 *   public MyCodecs() {
 *     super(new GsonBuilder().registerTypeAdapter(Shape.class, new ShapeAdapter()).create());
 *   }
 * }
 * }</pre>
 */
public class GsonCodecFactory implements CodecFactory {
  private final Gson gson;

  /** A factory with Gson's defaults, HTML escaping off. */
  public GsonCodecFactory() {
    this(new GsonBuilder().disableHtmlEscaping().create());
  }

  /**
   * A factory with a configured Gson.
   *
   * @param gson the Gson instance to encode and decode with
   */
  public GsonCodecFactory(Gson gson) {
    this.gson = Objects.requireNonNull(gson, "gson");
  }

  /**
   * The Gson instance this factory uses.
   *
   * @return the instance
   */
  public final Gson gson() {
    return gson;
  }

  @Override
  public <T> TaskCodec<T> codec(Type type) {
    Objects.requireNonNull(type, "type");
    TypeVariable<?> open = GenericTypes.findTypeVariable(type);
    if (open != null) {
      throw new CodecException(
          type,
          "the type variable "
              + open.getName()
              + " is not resolved, so there is no class to decode into; declare the stage's class"
              + " with concrete type arguments",
          null);
    }
    Class<?> raw = GenericTypes.rawType(type);
    if (raw == Object.class) {
      throw new CodecException(
          type,
          "java.lang.Object does not say which class to decode into (Gson would produce maps,"
              + " lists, doubles and strings); use the exact type",
          null);
    }
    TypeAdapter<?> adapter;
    try {
      adapter = gson.getAdapter(TypeToken.get(type));
    } catch (RuntimeException e) {
      throw new CodecException(type, "Gson cannot handle this type: " + reasonOf(e), e);
    }
    if ((raw.isInterface() || Modifier.isAbstract(raw.getModifiers()))
        && !raw.isPrimitive()
        && !raw.isArray()
        && adapter.getClass().getName().contains("Reflective")) {
      throw new CodecException(
          type,
          (raw.isInterface() ? "it is an interface" : "it is an abstract class")
              + " and Gson has no adapter that knows which class to create; use a concrete type or"
              + " register a TypeAdapter in a GsonCodecFactory subclass",
          null);
    }
    return ScalarCodec.orElse(gson, type, new GsonCodec<>(gson, type));
  }

  static String reasonOf(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getName() : m;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName();
  }

  /**
   * One type's codec: UTF-8 JSON. Encoding and decoding go through {@link Gson#toJson(Object, Type,
   * JsonWriter)} and {@link Gson#fromJson(JsonReader, TypeToken)}, so every setting of the Gson
   * instance applies exactly as it does for Gson's own calls.
   */
  private static final class GsonCodec<T> implements TaskCodec<T> {
    private final Gson gson;
    private final Type type;
    private final TypeToken<T> token;

    @SuppressWarnings("unchecked")
    GsonCodec(Gson gson, Type type) {
      this.gson = gson;
      this.type = type;
      this.token = (TypeToken<T>) TypeToken.get(type);
    }

    @Override
    public Type type() {
      return type;
    }

    @Override
    public byte[] encode(T value) {
      try {
        StringWriter out = new StringWriter(32);
        JsonWriter writer = gson.newJsonWriter(out);
        gson.toJson(value, type, writer);
        writer.flush();
        return out.toString().getBytes(StandardCharsets.UTF_8);
      } catch (StackOverflowError e) {
        throw new CodecException(
            type, "the value is nested too deeply or contains a reference cycle", null);
      } catch (IOException | RuntimeException e) {
        throw new CodecException(type, reasonOf(e), e);
      }
    }

    @Override
    public T decode(byte[] data, int offset, int length) {
      T value;
      JsonReader reader;
      try {
        reader =
            gson.newJsonReader(
                new StringReader(new String(data, offset, length, StandardCharsets.UTF_8)));
        value = gson.fromJson(reader, token);
      } catch (StackOverflowError e) {
        throw new CodecException(type, "the encoding is nested too deeply", null);
      } catch (RuntimeException e) {
        throw new CodecException(type, reasonOf(e), e);
      }
      if (value == null) {
        throw new CodecException(type, "the encoding is JSON null or empty, not a value", null);
      }
      boolean trailing;
      try {
        trailing = reader.peek() != JsonToken.END_DOCUMENT;
      } catch (IOException | RuntimeException e) {
        trailing = true;
      }
      if (trailing) {
        throw new CodecException(type, "unexpected data after the value", null);
      }
      return value;
    }

    @Override
    public String toString() {
      return "GsonCodec[" + type.getTypeName() + "]";
    }
  }
}

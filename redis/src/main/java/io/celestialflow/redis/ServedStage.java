package io.celestialflow.redis;

import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.StreamEntryID;

/** A stage a worker serves: its handler, codecs and keys, and how its outputs are written. */
final class ServedStage {
  final StageHandler handler;
  final RedisKeys keys;
  final CodecFactory codecs;
  final TaskCodec<Object> in;
  final @Nullable TaskCodec<Object> out;
  final String stream;
  final String dead;

  /** Codecs by class, for outputs written as their own class (no declared output type). */
  private final Map<Class<?>, TaskCodec<Object>> byClass = new ConcurrentHashMap<>();

  /** Where the reaper's {@code XAUTOCLAIM} goes on (only the housekeeping thread uses it). */
  StreamEntryID cursor = new StreamEntryID(0, 0);

  ServedStage(StageHandler handler, RedisKeys keys, CodecFactory workerCodecs) {
    CodecFactory declared = handler.codecs();
    this.handler = handler;
    this.keys = keys;
    this.codecs = declared == null ? workerCodecs : declared;
    this.stream = keys.tasks();
    this.dead = keys.dead();
    this.in = EngineAdapter.codec(codecs, handler.taskType(), handler.stage(), "task type");
    Type outType = handler.outputType();
    this.out =
        outType == null
            ? null
            : EngineAdapter.codec(codecs, outType, handler.stage(), "output type");
  }

  String stream() {
    return stream;
  }

  String name() {
    return handler.stage();
  }

  Wire.Shape shape() {
    return switch (handler.shape()) {
      case MAP -> Wire.Shape.VALUE;
      case SPLITTER -> Wire.Shape.VALUES;
      case CONSUMER -> Wire.Shape.NONE;
    };
  }

  /** The JSON of a function's output (null for a consumer), per the stage's shape. */
  @Nullable String encode(@Nullable Object output) {
    switch (handler.shape()) {
      case CONSUMER -> {
        return null;
      }
      case MAP -> {
        if (output == null) {
          throw new IllegalStateException("stage '" + name() + "' returned null");
        }
        return json(output);
      }
      case SPLITTER -> {
        return encodeAll(output);
      }
    }
    throw new AssertionError(handler.shape());
  }

  private String encodeAll(@Nullable Object output) {
    Iterator<?> it;
    Stream<?> stream = null;
    if (output instanceof Iterable<?> i) {
      it = i.iterator();
    } else if (output instanceof Stream<?> st) {
      stream = st;
      it = st.iterator();
    } else if (output instanceof Iterator<?> i) {
      it = i;
    } else if (output instanceof Object[] array) {
      it = Arrays.asList(array).iterator();
    } else {
      throw new IllegalStateException(
          "splitter stage '"
              + name()
              + "' returned "
              + (output == null ? "null" : "a " + output.getClass().getName())
              + ", not an Iterable, Stream, Iterator or array");
    }
    try {
      StringBuilder b = new StringBuilder("[");
      while (it.hasNext()) {
        Object o = it.next();
        if (o == null) {
          throw new IllegalStateException("splitter stage '" + name() + "' emitted null");
        }
        if (b.length() > 1) {
          b.append(',');
        }
        b.append(json(o));
      }
      return b.append(']').toString();
    } finally {
      if (stream != null) {
        stream.close();
      }
    }
  }

  private String json(Object output) {
    return new String(codecFor(output).encode(output), StandardCharsets.UTF_8);
  }

  /** The codec an output is written with: the declared output type's, else its class's. */
  @SuppressWarnings("unchecked")
  private TaskCodec<Object> codecFor(Object output) {
    TaskCodec<Object> declared = out;
    if (declared != null) {
      return declared;
    }
    return byClass.computeIfAbsent(output.getClass(), c -> (TaskCodec<Object>) codecs.codec(c));
  }
}

package io.celestialflow.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import io.celestialflow.codec.TaskCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a worker's result into what the graph's stage emits: an ok result's value (a map), values
 * (a splitter) or nothing (a consumer), decoded with the stage's codec; an error result into its
 * exception ({@link RemoteWorkerException}, or {@link DeadLetterException} for a dead letter).
 */
final class ResultDecoder {
  private ResultDecoder() {}

  /** Decodes an ok result's payload with a codec; an error result becomes its exception. */
  static Object value(Wire.Result r, TaskCodec<?> codec) {
    failIfError(r);
    JsonElement v = r.value();
    if (v == null) {
      throw new IllegalStateException(
          "the worker's result for task "
              + r.id()
              + " has no value (is the worker's stage a map?)");
    }
    return codec.decode(Wire.text(v).getBytes(StandardCharsets.UTF_8));
  }

  static List<Object> values(Wire.Result r, TaskCodec<?> codec) {
    failIfError(r);
    JsonArray vs = r.values();
    if (vs == null) {
      throw new IllegalStateException(
          "the worker's result for task "
              + r.id()
              + " has no values (is the worker's stage a splitter?)");
    }
    List<Object> out = new ArrayList<>(vs.size());
    for (JsonElement v : vs) {
      out.add(codec.decode(Wire.text(v).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  static List<Object> none(Wire.Result r) {
    failIfError(r);
    return List.of();
  }

  private static void failIfError(Wire.Result r) {
    Wire.ErrorInfo e = r.error();
    if (!r.ok() && e != null) {
      throw exception(e, r.worker());
    }
  }

  static RemoteWorkerException exception(Wire.ErrorInfo e, String worker) {
    if (e.type().equals(Wire.DELIVERY_LIMIT)) {
      return new DeadLetterException(Wire.MAX_DELIVERIES, e.type(), e.message(), worker);
    }
    if (e.type().equals(Wire.MALFORMED_TASK)) {
      int colon = e.message().indexOf(':');
      String code = colon > 0 ? e.message().substring(0, colon) : "malformed";
      return new DeadLetterException(code, e.type(), e.message(), worker);
    }
    return new RemoteWorkerException(e.type(), e.types(), e.message(), e.trace(), worker);
  }
}

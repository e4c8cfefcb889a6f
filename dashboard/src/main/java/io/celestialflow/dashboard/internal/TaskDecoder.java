package io.celestialflow.dashboard.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns injected JSON into tasks of a stage's declared type ({@link TaskStage#taskType()}) with the
 * JSON codec the engine uses for worker processes; data only, never evaluated. What does not fit is
 * refused with the reason, before anything reaches the run. Records are checked strictly: every
 * component must be given and no other field, so a misspelt field is an error rather than a silent
 * default.
 */
final class TaskDecoder {
  private final TaskGraph graph;
  private final GsonCodecFactory codecs = new GsonCodecFactory();
  private final Map<String, TaskCodec<Object>> cache = new ConcurrentHashMap<>();

  TaskDecoder(TaskGraph graph) {
    this.graph = graph;
  }

  /**
   * Decodes one task.
   *
   * @param stageName the stage
   * @param json the task
   * @param label how the task is named in messages, e.g. {@code task 3}
   * @return the task
   * @throws ApiException 404 for an unknown stage, 400 for a task that does not fit
   */
  Object decode(String stageName, JsonElement json, String label) {
    TaskCodec<Object> codec = codec(stageName);
    Type type = codec.type();
    checkFields(json, type, label, stageName, "");
    try {
      return codec.decode(Http.GSON.toJson(json).getBytes(StandardCharsets.UTF_8));
    } catch (CodecException e) {
      throw ApiException.badRequest(
          label
              + " does not fit stage '"
              + stageName
              + "' (task type "
              + type.getTypeName()
              + "): "
              + e.reason());
    }
  }

  /**
   * Decodes a task the engine's own codec wrote (a run store's failure), without the strict field
   * check meant for typed-in JSON: the codec leaves out null fields, which that check would refuse.
   *
   * @param stageName the stage
   * @param json the task
   * @param label how the task is named in messages
   * @return the task
   * @throws ApiException 404 for an unknown stage, 400 for a task that does not fit
   */
  Object decodeWritten(String stageName, String json, String label) {
    TaskCodec<Object> codec = codec(stageName);
    try {
      return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    } catch (CodecException e) {
      throw ApiException.badRequest(
          label
              + " does not fit stage '"
              + stageName
              + "' (task type "
              + codec.type().getTypeName()
              + "): "
              + e.reason());
    }
  }

  /**
   * Writes a task of a stage as JSON, for the injection editor.
   *
   * @param stageName the stage
   * @param task the task
   * @return the JSON, or empty if the stage has no declared type or the task cannot be written
   */
  Optional<String> encode(String stageName, Object task) {
    try {
      return Optional.of(new String(codec(stageName).encode(task), StandardCharsets.UTF_8));
    } catch (ApiException | CodecException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private TaskCodec<Object> codec(String stageName) {
    TaskCodec<Object> cached = cache.get(stageName);
    if (cached != null) {
      return cached;
    }
    TaskStage<?, ?> stage;
    try {
      stage = graph.stage(stageName);
    } catch (RuntimeException e) {
      throw ApiException.notFound(
          "no stage named '" + stageName + "' in graph '" + graph.name() + "'");
    }
    Type type =
        stage
            .taskType()
            .orElseThrow(() ->
                ApiException.badRequest(
                    "stage '"
                        + stageName
                        + "' does not declare its task type"
                        + " (TaskStage.Builder#taskType), so injected JSON cannot be checked;"
                        + " generated graphs always declare it"));
    TaskCodec<Object> codec;
    try {
      codec = codecs.codec(type);
    } catch (CodecException e) {
      throw ApiException.badRequest(
          "stage '" + stageName + "' takes tasks that cannot be read from JSON: " + e.reason());
    }
    cache.put(stageName, codec);
    return codec;
  }

  /** Refuses missing and unknown fields of records, recursively. */
  private static void checkFields(
      JsonElement json, Type type, String label, String stage, String path) {
    Class<?> raw = raw(type);
    if (raw == null || !raw.isRecord() || !json.isJsonObject()) {
      return;
    }
    JsonObject object = json.getAsJsonObject();
    Set<String> expected = new LinkedHashSet<>();
    for (RecordComponent rc : raw.getRecordComponents()) {
      expected.add(rc.getName());
      JsonElement value = object.get(rc.getName());
      if (value == null) {
        throw ApiException.badRequest(
            label
                + " does not fit stage '"
                + stage
                + "' (task type "
                + type.getTypeName()
                + "): missing field '"
                + path
                + rc.getName()
                + "' ("
                + rc.getGenericType().getTypeName()
                + ")");
      }
      checkFields(value, rc.getGenericType(), label, stage, path + rc.getName() + ".");
    }
    for (String key : object.keySet()) {
      if (!expected.contains(key)) {
        throw ApiException.badRequest(
            label
                + " does not fit stage '"
                + stage
                + "' (task type "
                + type.getTypeName()
                + "): unknown field '"
                + path
                + key
                + "'; expected "
                + expected);
      }
    }
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    return Object.class;
  }
}

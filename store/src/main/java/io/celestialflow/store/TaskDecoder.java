package io.celestialflow.store;

import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns stored tasks back into objects for a new run: with the stage's declared task type, else
 * with the class the task was stored as. Fails with a {@link StoreException} that says which
 * stage's tasks cannot be read and why.
 */
final class TaskDecoder {
  private final TaskGraph graph;
  private final CodecFactory codecs;
  private final Map<Type, TaskCodec<?>> cache = new HashMap<>();

  TaskDecoder(TaskGraph graph, CodecFactory codecs) {
    this.graph = graph;
    this.codecs = codecs;
  }

  /** Decodes tasks grouped by stage, keeping the order of first appearance. */
  Map<String, List<Object>> decode(Map<String, List<StoredTask>> byStage, String what) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<StoredTask>> e : byStage.entrySet()) {
      List<Object> tasks = new ArrayList<>(e.getValue().size());
      for (StoredTask t : e.getValue()) {
        tasks.add(decode(t, what));
      }
      out.put(e.getKey(), tasks);
    }
    return out;
  }

  private Object decode(StoredTask t, String what) {
    String note = t.note();
    if (note != null) {
      throw new StoreException(
          "a task of "
              + what
              + " at stage '"
              + t.stage()
              + "' was recorded as text, not JSON ("
              + note
              + "): it cannot be run again. Its text: "
              + abbreviate(t.json()));
    }
    TaskStage<?, ?> stage = graph.stage(t.stage());
    Type type = stage.taskType().orElseGet(() -> load(t, what));
    TaskCodec<?> codec =
        cache.computeIfAbsent(
            type,
            k -> {
              try {
                return codecs.codec(k);
              } catch (RuntimeException e) {
                throw new StoreException(
                    "cannot decode the tasks of stage '"
                        + t.stage()
                        + "' as "
                        + k.getTypeName()
                        + ": "
                        + e.getMessage(),
                    e);
              }
            });
    try {
      return codec.decode(t.json().getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot decode a task of "
              + what
              + " at stage '"
              + t.stage()
              + "' as "
              + type.getTypeName()
              + ": "
              + e.getMessage()
              + "; the task: "
              + abbreviate(t.json()),
          e);
    }
  }

  private Class<?> load(StoredTask t, String what) {
    ClassLoader loader = graph.getClass().getClassLoader();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    for (ClassLoader l : new ClassLoader[] {context, loader}) {
      if (l == null) {
        continue;
      }
      try {
        return Class.forName(t.type(), false, l);
      } catch (ClassNotFoundException | LinkageError e) {
        // try the next loader
      }
    }
    throw new StoreException(
        "stage '"
            + t.stage()
            + "' declares no task type and the class its tasks of "
            + what
            + " were stored as ("
            + t.type()
            + ") cannot be loaded; declare the stage's task type with"
            + " TaskStage.Builder.taskType(...)");
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}

package io.celestialflow.launch;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the tasks of one {@code --input STAGE=TASKS}: an inline JSON array, or a file holding one
 * (read lazily, one task at a time). A task of a record type may be a JSON object or an array of
 * its components in order (the original's {@code unpack_task_args}).
 */
final class JsonTasks {
  private final Gson gson;

  JsonTasks(Gson gson) {
    this.gson = gson;
  }

  /**
   * The tasks of one {@code --input}; a file is added to {@code open} to be closed after the run.
   *
   * @throws IllegalArgumentException for text that is neither a JSON array nor a readable file
   */
  Iterable<Object> read(String stage, String tasks, Type type, List<Closeable> open) {
    String text = tasks.strip();
    if (text.startsWith("[")) {
      JsonElement parsed;
      try {
        parsed = JsonParser.parseString(text);
      } catch (JsonParseException e) {
        throw new IllegalArgumentException(
            "--input " + stage + ": not a JSON array: " + e.getMessage(), e);
      }
      List<Object> list = new ArrayList<>();
      int i = 0;
      for (JsonElement element : parsed.getAsJsonArray()) {
        list.add(convert(element, type, stage, i++));
      }
      return list;
    }
    Path path = Path.of(text);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "--input " + stage + ": '" + text + "' is neither a JSON array nor a readable file");
    }
    JsonFile file = new JsonFile(path, type, stage);
    open.add(file);
    return file;
  }

  /** Converts one JSON task to the stage's task type. */
  Object convert(JsonElement element, Type type, String stage, int index) {
    JsonElement json = element;
    if (type instanceof Class<?> c && c.isRecord() && element.isJsonArray()) {
      RecordComponent[] components = c.getRecordComponents();
      JsonArray values = element.getAsJsonArray();
      if (values.size() != components.length) {
        throw new IllegalArgumentException(
            "--input "
                + stage
                + ": task "
                + index
                + " has "
                + values.size()
                + " values, but "
                + c.getSimpleName()
                + " has "
                + components.length
                + " components");
      }
      JsonObject object = new JsonObject();
      for (int i = 0; i < components.length; i++) {
        object.add(components[i].getName(), values.get(i));
      }
      json = object;
    }
    Object task;
    try {
      task = gson.fromJson(json, type);
    } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "--input "
              + stage
              + ": task "
              + index
              + " ("
              + element
              + ") is not a "
              + type.getTypeName()
              + ": "
              + e.getMessage(),
          e);
    }
    if (task == null) {
      throw new IllegalArgumentException("--input " + stage + ": task " + index + " is null");
    }
    return task;
  }

  /** A file holding a JSON array of tasks, read one task at a time. Its iterator is single-use. */
  private final class JsonFile implements Iterable<Object>, Closeable {
    private final Path path;
    private final Type type;
    private final String stage;
    private @Nullable JsonReader reader;

    JsonFile(Path path, Type type, String stage) {
      this.path = path;
      this.type = type;
      this.stage = stage;
    }

    @Override
    public Iterator<Object> iterator() {
      JsonReader r;
      try {
        r = new JsonReader(Files.newBufferedReader(path, StandardCharsets.UTF_8));
        reader = r;
        r.beginArray();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
      return new Iterator<>() {
        private int index;

        @Override
        public boolean hasNext() {
          try {
            return r.peek() != JsonToken.END_ARRAY;
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
          }
        }

        @Override
        public Object next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return convert(JsonParser.parseReader(r), type, stage, index++);
        }
      };
    }

    @Override
    public void close() throws IOException {
      if (reader != null) {
        reader.close();
      }
    }
  }
}

package io.celestialflow.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * Failures as JSON Lines: one object per line with the failure's fields, the task as JSON (or as a
 * string with {@code taskNote} when it was recorded as text) and the stack trace.
 *
 * <pre>{@code
 * {"id":7,"run":"…","stage":"parse","taskId":0,"task":{"line":"x"},"exceptionTypes":[…],
 *  "message":"bad line","attempts":1,"failedAt":"2026-12-01T10:00:00Z","stackTrace":"…"}
 * }</pre>
 */
final class JsonlExport {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private JsonlExport() {}

  static long write(Connection c, String runId, long run, FailureQuery filter, Writer out)
      throws SQLException {
    long[] n = {0};
    try {
      forEach(
          c,
          run,
          filter,
          f -> {
            try {
              out.write(GSON.toJson(json(c, f)));
              out.write('\n');
              n[0]++;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          },
          runId);
      out.flush();
    } catch (IOException | UncheckedIOException e) {
      throw new StoreException("cannot export the failures of run " + runId + ": " + e, e);
    }
    return n[0];
  }

  /** Calls {@code each} with every failure of the run that matches the filter, newest first. */
  static void forEach(
      Connection c, long run, FailureQuery filter, Consumer<FailureRecord> each, String runId)
      throws SQLException {
    long[] types = filter.type() == null ? null : FailureQueries.typeIds(c, filter.type());
    try (PreparedStatement p = FailureQueries.select(c, run, filter, types, false);
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        each.accept(FailureQueries.record(r, runId));
      }
    }
  }

  private static JsonObject json(Connection c, FailureRecord f) throws SQLException {
    JsonObject o = new JsonObject();
    o.addProperty("id", f.id());
    o.addProperty("run", f.runId());
    o.addProperty("stage", f.stage());
    o.addProperty("taskId", f.taskId());
    o.add("task", task(f.task()));
    f.task().unserialisableNote().ifPresent(note -> o.addProperty("taskNote", note));
    o.addProperty("taskType", f.task().type());
    o.add("exceptionTypes", GSON.toJsonTree(f.exceptionTypes()));
    o.addProperty("message", f.message());
    o.addProperty("attempts", f.attempts());
    o.addProperty("failedAt", f.failedAt().toString());
    o.addProperty("stackTrace", FailureQueries.stackTrace(c, f.id()).orElse(""));
    return o;
  }

  private static JsonElement task(StoredTask t) {
    if (!t.isJson()) {
      return new JsonPrimitive(t.json());
    }
    try {
      return JsonParser.parseString(t.json());
    } catch (JsonParseException e) {
      return new JsonPrimitive(t.json());
    }
  }
}

package io.celestialflow.store;

import com.google.gson.JsonPrimitive;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code results} table: successful tasks of the stages a run records results of ({@link
 * RecordOptions#withResults}), with their outputs. Writes on the writer thread, batched into its
 * transaction; reads for {@link RunStore#results}.
 */
final class ResultRows {
  private final PreparedStatement insert;
  private boolean pending;

  ResultRows(Connection c) throws SQLException {
    insert =
        c.prepareStatement(
            "INSERT INTO results(run, stage, task_id, task, task_type, outputs, note)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
  }

  /**
   * Adds a row to the pending batch: the task and each output as JSON through the codecs; a value
   * no codec can write goes in as its {@code toString()} (a JSON string) with a note saying why.
   */
  void add(long run, Entry.Result r, TaskEncoder encoder) throws SQLException {
    StoredTask task = encoder.encode(r.stage(), r.task(), r.declaredType());
    @Nullable String note = task.note();
    StringBuilder outputs = new StringBuilder("[");
    for (Object o : r.outputs()) {
      StoredTask out = encoder.encode(r.stage(), o, null);
      if (outputs.length() > 1) {
        outputs.append(',');
      }
      if (out.note() == null) {
        outputs.append(out.json());
      } else {
        outputs.append(new JsonPrimitive(out.json()));
        note = (note == null ? "" : note + "; ") + "output: " + out.note();
      }
    }
    insert.setLong(1, run);
    insert.setString(2, r.stage());
    insert.setLong(3, r.taskId());
    insert.setString(4, task.json());
    insert.setString(5, task.type());
    insert.setString(6, outputs.append(']').toString());
    insert.setString(7, note);
    insert.addBatch();
    pending = true;
  }

  void flush() throws SQLException {
    if (pending) {
      insert.executeBatch();
      pending = false;
    }
  }

  void clear() {
    Sql.clearBatches(insert);
    pending = false;
  }

  /** A page of a run's results at a stage, in the order they were recorded. */
  static List<StoredResult> read(Connection c, long run, String stage, long offset, int limit)
      throws SQLException {
    List<StoredResult> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT task_id, task, task_type, outputs, note FROM results"
                + " WHERE run = ? AND stage = ? ORDER BY id LIMIT ? OFFSET ?")) {
      p.setLong(1, run);
      p.setString(2, stage);
      p.setInt(3, limit);
      p.setLong(4, offset);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(
              new StoredResult(
                  stage,
                  r.getLong(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5)));
        }
      }
    }
    return out;
  }
}

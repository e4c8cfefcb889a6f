package io.celestialflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recovers a run whose process died from its durable journal ({@link RecordOptions#journal()}):
 * turns what the journal says into what a cancelled run records at its end — its unfinished tasks
 * and how far it read its inputs — so that {@link RunStore#resume} runs it like any other.
 *
 * <p>A task is unfinished when the journal has it entering a stage and not settled there, and it is
 * not the output of a task that was itself not settled with success at the stage that produced it:
 * such a task (still in flight, or retried, or failed) runs again and produces its outputs again,
 * so its earlier outputs are left out. An input's position is the number of elements the journal
 * saw read from it.
 */
final class Journal {
  static final String NOTE =
      "recovered from the durable journal after the run's process died; its unfinished tasks are"
          + " those the journal had not seen settled";

  private Journal() {}

  /**
   * Recovers the run if it is still marked running and has a journal: writes its unfinished tasks
   * and input positions, marks it cancelled and deletes its journal, in one transaction.
   *
   * @return whether the run was recovered
   */
  static boolean recover(Connection c, String runId) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("BEGIN IMMEDIATE");
    }
    try {
      boolean done = recoverIn(c, runId);
      try (Statement s = c.createStatement()) {
        s.executeUpdate(done ? "COMMIT" : "ROLLBACK");
      }
      return done;
    } catch (SQLException | RuntimeException e) {
      StoreFile.rollback(c, e);
      throw e;
    }
  }

  /**
   * Deletes a run's journal — its rows and its mark — once what it left unfinished is recorded (the
   * run ended, or was recovered).
   */
  static void forget(Connection c, long run) throws SQLException {
    for (String table : List.of("journal_entered", "journal_settled", "journal_runs")) {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM " + table + " WHERE run = ?")) {
        p.setLong(1, run);
        p.executeUpdate();
      }
    }
  }

  /** Whether the run was recorded with the journal (it may have died before its first row). */
  private static boolean marked(Connection c, long run) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM journal_runs WHERE run = ?")) {
      p.setLong(1, run);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  private record Task(String stage, String payload, String type, String note) {}

  private static boolean recoverIn(Connection c, String runId) throws SQLException {
    long run;
    try (PreparedStatement p = c.prepareStatement("SELECT key, state FROM runs WHERE id = ?")) {
      p.setString(1, runId);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next() || !"RUNNING".equals(r.getString(2))) {
          return false;
        }
        run = r.getLong(1);
      }
    }
    Set<String> settled = new HashSet<>();
    Set<String> succeeded = new HashSet<>();
    try (PreparedStatement p =
        c.prepareStatement("SELECT stage, task, succeeded FROM journal_settled WHERE run = ?")) {
      p.setLong(1, run);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String key = r.getString(1) + '\n' + r.getLong(2);
          settled.add(key);
          if (r.getInt(3) != 0) {
            succeeded.add(key);
          }
        }
      }
    }
    List<Task> unfinished = new ArrayList<>();
    TreeMap<Integer, long[]> reads = new TreeMap<>();
    TreeMap<Integer, String> sourceStages = new TreeMap<>();
    boolean any = false;
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT stage, task, parent, from_stage, source, payload, task_type, task_note"
                + " FROM journal_entered WHERE run = ? ORDER BY rowid")) {
      p.setLong(1, run);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          any = true;
          String stage = r.getString(1);
          String from = r.getString(4);
          int source = r.getInt(5);
          if (source >= 0) {
            reads.computeIfAbsent(source, k -> new long[1])[0]++;
            sourceStages.put(source, stage);
          }
          if (settled.contains(stage + '\n' + r.getLong(2))) {
            continue;
          }
          if (from != null && !succeeded.contains(from + '\n' + r.getLong(3))) {
            continue; // its producer runs again and produces it again
          }
          unfinished.add(new Task(stage, r.getString(6), r.getString(7), r.getString(8)));
        }
      }
    }
    if (!any && !marked(c, run)) {
      return false; // not a journaled run: nothing to recover from
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO unfinished(run, stage, task, task_type, task_note) VALUES (?, ?, ?, ?, ?)")) {
      for (Task t : unfinished) {
        p.setLong(1, run);
        p.setString(2, t.stage());
        p.setString(3, t.payload());
        p.setString(4, t.type());
        p.setString(5, t.note());
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO inputs(run, source, stage, start, read, exhausted, failed)"
                + " VALUES (?, ?, ?, 0, ?, 0, 0)"
                // the row written at the run's start keeps its start (a resumed run's offset)
                + " ON CONFLICT(run, source) DO UPDATE SET read = excluded.read")) {
      for (var e : reads.entrySet()) {
        p.setLong(1, run);
        p.setInt(2, e.getKey());
        p.setString(3, sourceStages.get(e.getKey()));
        p.setLong(4, e.getValue()[0]);
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE runs SET state = 'CANCELLED', ended_at = ?, unfinished = ?, note = ?"
                + " WHERE key = ?")) {
      p.setLong(1, System.currentTimeMillis());
      p.setLong(2, unfinished.size());
      p.setString(3, NOTE);
      p.setLong(4, run);
      p.executeUpdate();
    }
    forget(c, run);
    return true;
  }
}

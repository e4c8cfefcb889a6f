package io.celestialflow.store;

import io.celestialflow.InputProgress;
import io.celestialflow.StageStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes batches of entries into the database, one transaction per batch, with one prepared
 * statement per table. Owned by the writer thread.
 */
final class BatchWriter implements AutoCloseable {
  private final Connection c;
  private final TaskEncoder encoder;
  private final PreparedStatement insertRun;
  private final FailureRows failures;
  private final PreparedStatement insertUnfinished;
  private final PreparedStatement insertStats;
  private final PreparedStatement insertEntered;
  private final PreparedStatement insertSettled;
  private final ResultRows results;
  private boolean pendingJournal;

  private final Map<String, Long> runKeys = new HashMap<>();

  private boolean pendingUnfinished;
  private boolean pendingStats;

  BatchWriter(Connection c, TaskEncoder encoder) throws SQLException {
    this.c = c;
    this.encoder = encoder;
    insertRun =
        c.prepareStatement(
            "INSERT INTO runs(id, graph, structure, stage_types, origin, origin_kind, started_at,"
                + " state) VALUES (?, ?, ?, ?, ?, ?, ?, 'RUNNING') ON CONFLICT(id) DO NOTHING");
    failures = new FailureRows(c, encoder);
    insertUnfinished =
        c.prepareStatement(
            "INSERT INTO unfinished(run, stage, task, task_type, task_note) VALUES (?, ?, ?, ?, ?)");
    insertStats =
        c.prepareStatement(
            "INSERT OR REPLACE INTO stats(run, at, stage, received, succeeded, failed, duplicates,"
                + " retries, pending, running, emitted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertEntered =
        c.prepareStatement(
            "INSERT INTO journal_entered(run, stage, task, parent, from_stage, source, payload,"
                + " task_type, task_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertSettled =
        c.prepareStatement(
            "INSERT INTO journal_settled(run, stage, task, succeeded) VALUES (?, ?, ?, ?)");
    results = new ResultRows(c);
  }

  /** Writes the entries in one transaction; on failure rolls back and rethrows. */
  void write(List<Entry> batch) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("BEGIN IMMEDIATE");
    }
    try {
      for (Entry e : batch) {
        add(e);
      }
      flushBatches();
      try (Statement s = c.createStatement()) {
        s.executeUpdate("COMMIT");
      }
    } catch (SQLException | RuntimeException e) {
      clearPending();
      StoreFile.rollback(c, e);
      // Keys cached in the rolled-back transaction may not exist.
      runKeys.clear();
      throw e;
    }
  }

  private void add(Entry e) throws SQLException {
    switch (e) {
      case Entry.RunStart r -> startRun(r);
      case Entry.Failure f -> failures.add(runKey(f.runId()), f);
      case Entry.Unfinished u ->
          addUnfinished(u.runId(), encoder.encode(u.stage(), u.task(), u.declaredType()));
      case Entry.CarriedOver o -> addUnfinished(o.runId(), o.task());
      case Entry.LineageBlock ignored -> {} // LineageFiles
      case Entry.LineageEnd ignored -> {}
      case Entry.Stats s -> addStats(s);
      case Entry.Result r -> results.add(runKey(r.runId()), r, encoder);
      case Entry.Entered en -> addEntered(en);
      case Entry.Settled st -> addSettled(st);
      case Entry.RunEnd end -> endRun(end);
      case Entry.Flush ignored -> {}
    }
  }

  private void startRun(Entry.RunStart r) throws SQLException {
    insertRun.setString(1, r.runId());
    insertRun.setString(2, r.graph());
    insertRun.setString(3, r.structure());
    insertRun.setString(4, r.stageTypes());
    insertRun.setString(5, r.origin());
    insertRun.setString(6, r.originKind());
    insertRun.setLong(7, r.startedAt());
    insertRun.executeUpdate();
    if (r.journal()) {
      long run = runKey(r.runId());
      try (PreparedStatement p =
          c.prepareStatement("INSERT OR IGNORE INTO journal_runs(run) VALUES (?)")) {
        p.setLong(1, run);
        p.executeUpdate();
      }
      writeInputs(run, r.inputs(), r.inputStarts());
    }
  }

  /** Writes input positions ({@code starts}: what earlier runs had read of each source). */
  private void writeInputs(long run, List<InputProgress> inputs, List<Long> starts)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT OR REPLACE INTO inputs(run, source, stage, start, read, exhausted, failed)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < inputs.size() && i < starts.size(); i++) {
        InputProgress in = inputs.get(i);
        p.setLong(1, run);
        p.setInt(2, in.source());
        p.setString(3, in.stage());
        p.setLong(4, starts.get(i));
        p.setLong(5, in.read());
        p.setInt(6, in.exhausted() ? 1 : 0);
        p.setInt(7, in.failed() ? 1 : 0);
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  private long runKey(String runId) throws SQLException {
    Long key = runKeys.get(runId);
    if (key != null) {
      return key;
    }
    try (PreparedStatement p = c.prepareStatement("SELECT key FROM runs WHERE id = ?")) {
      p.setString(1, runId);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("run " + runId + " has no row (its start was not recorded)");
        }
        key = r.getLong(1);
      }
    }
    runKeys.put(runId, key);
    return key;
  }

  private void addUnfinished(String runId, StoredTask task) throws SQLException {
    insertUnfinished.setLong(1, runKey(runId));
    insertUnfinished.setString(2, task.stage());
    insertUnfinished.setString(3, task.json());
    insertUnfinished.setString(4, task.type());
    insertUnfinished.setString(5, task.note());
    insertUnfinished.addBatch();
    pendingUnfinished = true;
  }

  private void addEntered(Entry.Entered e) throws SQLException {
    StoredTask task = encoder.encode(e.stage(), e.payload(), e.declaredType());
    insertEntered.setLong(1, runKey(e.runId()));
    insertEntered.setString(2, e.stage());
    insertEntered.setLong(3, e.task());
    insertEntered.setLong(4, e.parent());
    insertEntered.setString(5, e.from());
    insertEntered.setInt(6, e.source());
    insertEntered.setString(7, task.json());
    insertEntered.setString(8, task.type());
    insertEntered.setString(9, task.note());
    insertEntered.addBatch();
    pendingJournal = true;
  }

  private void addSettled(Entry.Settled s) throws SQLException {
    insertSettled.setLong(1, runKey(s.runId()));
    insertSettled.setString(2, s.stage());
    insertSettled.setLong(3, s.task());
    insertSettled.setInt(4, s.succeeded() ? 1 : 0);
    insertSettled.addBatch();
    pendingJournal = true;
  }

  private void addStats(Entry.Stats s) throws SQLException {
    long run = runKey(s.runId());
    for (StageStats st : s.stages()) {
      insertStats.setLong(1, run);
      insertStats.setLong(2, s.at());
      insertStats.setString(3, st.stage());
      insertStats.setLong(4, st.received());
      insertStats.setLong(5, st.succeeded());
      insertStats.setLong(6, st.failed());
      insertStats.setLong(7, st.duplicates());
      insertStats.setLong(8, st.retries());
      insertStats.setLong(9, st.pending());
      insertStats.setLong(10, st.running());
      insertStats.setLong(11, st.emitted());
      insertStats.addBatch();
    }
    pendingStats = true;
  }

  private void endRun(Entry.RunEnd end) throws SQLException {
    flushBatches(); // the counts below must see every row of the run
    long run = runKey(end.runId());
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT OR REPLACE INTO stage_counts(run, position, stage, mode, received, succeeded,"
                + " failed, duplicates, retries, unfinished, emitted, elapsed_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int position = 0;
      for (StageStats s : end.stages()) {
        p.setLong(1, run);
        p.setInt(2, position++);
        p.setString(3, s.stage());
        p.setString(4, s.mode().name());
        p.setLong(5, s.received());
        p.setLong(6, s.succeeded());
        p.setLong(7, s.failed());
        p.setLong(8, s.duplicates());
        p.setLong(9, s.retries());
        p.setLong(10, s.unfinished());
        p.setLong(11, s.emitted());
        p.setLong(12, s.elapsed().toMillis());
        p.addBatch();
      }
      p.executeBatch();
    }
    writeInputs(run, end.inputs(), end.inputStarts());

    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE runs SET ended_at = ?, state = ?, failures = ?, unfinished = ?,"
                + " dropped = dropped + ?, note = ? WHERE key = ?")) {
      p.setLong(1, end.endedAt());
      p.setString(2, end.state());
      p.setLong(3, end.failures());
      p.setLong(4, end.unfinished());
      p.setLong(5, end.dropped());
      p.setString(6, end.note());
      p.setLong(7, run);
      p.executeUpdate();
    }
    // The run ended: what it left unfinished is recorded above, so its journal is done with.
    Journal.forget(c, run);
  }

  private void flushBatches() throws SQLException {
    failures.flush();
    if (pendingUnfinished) {
      insertUnfinished.executeBatch();
      pendingUnfinished = false;
    }
    if (pendingStats) {
      insertStats.executeBatch();
      pendingStats = false;
    }
    if (pendingJournal) {
      insertEntered.executeBatch();
      insertSettled.executeBatch();
      pendingJournal = false;
    }
    results.flush();
  }

  private void clearPending() {
    Sql.clearBatches(insertUnfinished, insertStats, insertEntered, insertSettled);
    results.clear();
    failures.rolledBack();
    pendingUnfinished = false;
    pendingStats = false;
    pendingJournal = false;
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}

package io.celestialflow.store;

import io.celestialflow.InputProgress;
import io.celestialflow.StageStats;
import io.celestialflow.TaskFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes batches of entries into the database, one transaction per batch, with one prepared
 * statement per table. Owned by the writer thread.
 */
final class BatchWriter implements AutoCloseable {
  private static final int TRACE_CACHE = 4096;

  private final Connection c;
  private final TaskEncoder encoder;
  private final PreparedStatement insertRun;
  private final PreparedStatement insertFailure;
  private final PreparedStatement upsertCount;
  private final PreparedStatement insertUnfinished;
  private final PreparedStatement insertStats;
  private final PreparedStatement insertEntered;
  private final PreparedStatement insertSettled;
  private final ResultRows results;
  private boolean pendingJournal;
  private final PreparedStatement readBlock;
  private final PreparedStatement writeBlock;

  /** Message and task of each failure in the pending insert batch, in order (for TextBlocks). */
  private final List<String> pendingTexts = new ArrayList<>();

  private final Map<String, Long> runKeys = new HashMap<>();
  private final Map<String, Long> typeIds = new HashMap<>();

  /** Stored trace bodies by {@link TraceText#hash()}: id and body, for the last few thousand. */
  private final Map<Long, List<TraceRow>> traceIds = new HashMap<>();

  private int tracesCached;

  /**
   * Stored traces by {@link TaskFailure#traceKey()}: a failure whose key is here is stored without
   * rendering its stack trace at all. Cleared when it grows past {@link #TRACE_CACHE} keys.
   */
  private final Map<Long, KeyedTrace> traceKeys = new HashMap<>();

  private record KeyedTrace(long id, @Nullable String head) {}

  private final Map<CountKey, long[]> counts = new HashMap<>();
  private boolean pendingFailures;
  private boolean pendingUnfinished;
  private boolean pendingStats;

  private record CountKey(long run, String stage, long type) {}

  private record TraceRow(long id, String body) {}

  BatchWriter(Connection c, TaskEncoder encoder) throws SQLException {
    this.c = c;
    this.encoder = encoder;
    insertRun =
        c.prepareStatement(
            "INSERT INTO runs(id, graph, structure, stage_types, origin, origin_kind, started_at,"
                + " state) VALUES (?, ?, ?, ?, ?, ?, ?, 'RUNNING') ON CONFLICT(id) DO NOTHING");
    insertFailure =
        c.prepareStatement(
            "INSERT INTO failures(run, stage, task_id, task, task_type, task_note, type, message,"
                + " trace, head, attempts, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    upsertCount =
        c.prepareStatement(
            "INSERT INTO failure_counts(run, stage, type, count) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT(run, stage, type) DO UPDATE SET count = count + excluded.count");
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
    readBlock = c.prepareStatement("SELECT bits FROM text_blocks WHERE block = ?");
    writeBlock =
        c.prepareStatement("INSERT OR REPLACE INTO text_blocks(block, bits) VALUES (?, ?)");
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
      counts.clear();
      clearPending();
      StoreFile.rollback(c, e);
      // Keys cached in the rolled-back transaction may not exist.
      runKeys.clear();
      typeIds.clear();
      traceIds.clear();
      traceKeys.clear();
      tracesCached = 0;
      throw e;
    }
  }

  private void add(Entry e) throws SQLException {
    switch (e) {
      case Entry.RunStart r -> startRun(r);
      case Entry.Failure f -> addFailure(f);
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

  private void addFailure(Entry.Failure f) throws SQLException {
    TaskFailure failure = f.failure();
    long run = runKey(f.runId());
    StoredTask task = encoder.encode(failure.stage(), failure.task(), f.declaredType());
    long type = typeId(failure.exceptionTypes());
    KeyedTrace trace = keyedTrace(failure);
    insertFailure.setLong(1, run);
    insertFailure.setString(2, failure.stage());
    insertFailure.setLong(3, failure.taskId());
    insertFailure.setString(4, task.json());
    insertFailure.setString(5, task.type());
    insertFailure.setString(6, task.note());
    insertFailure.setLong(7, type);
    insertFailure.setString(8, failure.message());
    insertFailure.setLong(9, trace.id());
    insertFailure.setString(10, trace.head());
    insertFailure.setInt(11, failure.attempts());
    insertFailure.setLong(12, failure.failedAt().toEpochMilli());
    insertFailure.addBatch();
    pendingTexts.add(failure.message());
    pendingTexts.add(task.json());
    pendingFailures = true;
    counts.computeIfAbsent(new CountKey(run, failure.stage(), type), k -> new long[1])[0]++;
  }

  private long typeId(List<String> chain) throws SQLException {
    String name = chain.get(0);
    Long id = typeIds.get(name);
    if (id != null) {
      return id;
    }
    try (PreparedStatement p = c.prepareStatement("SELECT id FROM error_types WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet r = p.executeQuery()) {
        if (r.next()) {
          id = r.getLong(1);
        }
      }
    }
    if (id == null) {
      try (PreparedStatement p =
          c.prepareStatement("INSERT INTO error_types(name, chain) VALUES (?, ?)")) {
        p.setString(1, name);
        p.setString(2, TraceText.chain(chain));
        p.executeUpdate();
      }
      id = lastRowId();
      try (PreparedStatement p =
          c.prepareStatement("INSERT OR IGNORE INTO error_supertypes(super, type) VALUES (?, ?)")) {
        for (String s : chain) {
          p.setString(1, s);
          p.setLong(2, id);
          p.addBatch();
        }
        p.executeBatch();
      }
    }
    typeIds.put(name, id);
    return id;
  }

  /**
   * The stored trace of a failure and its first line when that is unusual: found by the failure's
   * trace key without rendering the trace, else rendered, split and looked up by its body.
   */
  private KeyedTrace keyedTrace(TaskFailure failure) throws SQLException {
    long key = failure.traceKey();
    KeyedTrace known = traceKeys.get(key);
    if (known != null) {
      return known;
    }
    TraceText text =
        TraceText.split(failure.stackTrace(), failure.exceptionType(), failure.message());
    KeyedTrace stored = new KeyedTrace(traceId(text), text.head());
    if (traceKeys.size() >= TRACE_CACHE) {
      traceKeys.clear();
    }
    traceKeys.put(key, stored);
    return stored;
  }

  private long traceId(TraceText trace) throws SQLException {
    long hash = trace.hash();
    List<TraceRow> cached = traceIds.get(hash);
    if (cached != null) {
      for (TraceRow row : cached) {
        if (trace.bodyEquals(row.body())) {
          return row.id();
        }
      }
    }
    Long id = null;
    String body = trace.body();
    try (PreparedStatement p = c.prepareStatement("SELECT id, body FROM traces WHERE hash = ?")) {
      p.setLong(1, hash);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          if (body.equals(r.getString(2))) {
            id = r.getLong(1);
            break;
          }
        }
      }
    }
    if (id == null) {
      try (PreparedStatement p =
          c.prepareStatement("INSERT INTO traces(hash, body) VALUES (?, ?)")) {
        p.setLong(1, hash);
        p.setString(2, body);
        p.executeUpdate();
      }
      id = lastRowId();
    }
    if (++tracesCached > TRACE_CACHE) {
      traceIds.clear();
      tracesCached = 1;
    }
    traceIds.computeIfAbsent(hash, k -> new ArrayList<>(1)).add(new TraceRow(id, body));
    return id;
  }

  private long lastRowId() throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT last_insert_rowid()")) {
      r.next();
      return r.getLong(1);
    }
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
    if (pendingFailures) {
      insertFailure.executeBatch();
      indexTexts();
      pendingFailures = false;
    }
    if (!counts.isEmpty()) {
      for (Map.Entry<CountKey, long[]> e : counts.entrySet()) {
        upsertCount.setLong(1, e.getKey().run());
        upsertCount.setString(2, e.getKey().stage());
        upsertCount.setLong(3, e.getKey().type());
        upsertCount.setLong(4, e.getValue()[0]);
        upsertCount.addBatch();
      }
      upsertCount.executeBatch();
      counts.clear();
    }
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

  /**
   * Adds the texts of the failures just inserted to their blocks' filters. In this transaction,
   * which holds the write lock, the batch's rows got consecutive ids ending with the last inserted
   * one.
   */
  private void indexTexts() throws SQLException {
    int rows = pendingTexts.size() / 2;
    long first = lastRowId() - rows + 1;
    Map<Long, long[]> blocks = new HashMap<>();
    for (int i = 0; i < rows; i++) {
      long block = (first + i) >> TextBlocks.SHIFT;
      long[] filter = blocks.computeIfAbsent(block, this::storedFilter);
      TextBlocks.add(filter, pendingTexts.get(2 * i));
      TextBlocks.add(filter, pendingTexts.get(2 * i + 1));
    }
    pendingTexts.clear();
    for (Map.Entry<Long, long[]> e : blocks.entrySet()) {
      writeBlock.setLong(1, e.getKey());
      writeBlock.setBytes(2, TextBlocks.toBytes(e.getValue()));
      writeBlock.addBatch();
    }
    writeBlock.executeBatch();
  }

  /** The filter of a block as stored (another batch, or another process, may have begun it). */
  private long[] storedFilter(long block) {
    try {
      readBlock.setLong(1, block);
      try (ResultSet r = readBlock.executeQuery()) {
        return TextBlocks.fromBytes(r.next() ? r.getBytes(1) : null);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read text block " + block + ": " + e.getMessage(), e);
    }
  }

  private void clearPending() {
    for (PreparedStatement p :
        List.of(
            insertFailure,
            upsertCount,
            insertUnfinished,
            insertStats,
            writeBlock,
            insertEntered,
            insertSettled)) {
      try {
        p.clearBatch();
      } catch (SQLException ignored) {
        // the statement is unusable anyway; the next batch will fail and say why
      }
    }
    results.clear();
    pendingTexts.clear();
    pendingFailures = false;
    pendingUnfinished = false;
    pendingStats = false;
    pendingJournal = false;
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}

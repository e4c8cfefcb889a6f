package io.celestialflow.store;

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
 * Writes failures on the writer thread, batched into its transaction: the {@code failures} rows,
 * their exception types and stack traces (each stored once), their counts by run, stage and type
 * (in all and per block: {@link FailureBlocks}), and the blocks' text filters ({@link TextBlocks}).
 */
final class FailureRows {
  private static final int TRACE_CACHE = 4096;

  private final Connection c;
  private final TaskEncoder encoder;
  private final PreparedStatement insert;
  private final PreparedStatement readBlock;
  private final PreparedStatement writeBlock;

  /** The failures in the pending insert batch, in order. */
  private final List<Pending> pending = new ArrayList<>();

  private final FailureBlocks.Writer blocks;

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

  /** What the blocks keep of a pending failure. */
  private record Pending(long run, String stage, long type, long at, String message, String task) {}

  private record TraceRow(long id, String body) {}

  FailureRows(Connection c, TaskEncoder encoder) throws SQLException {
    this.c = c;
    this.encoder = encoder;
    insert =
        c.prepareStatement(
            "INSERT INTO failures(run, stage, task_id, task, task_type, task_note, type, message,"
                + " trace, head, attempts, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    blocks = new FailureBlocks.Writer(c);
    readBlock = c.prepareStatement("SELECT bits FROM text_blocks WHERE block = ?");
    writeBlock =
        c.prepareStatement("INSERT OR REPLACE INTO text_blocks(block, bits) VALUES (?, ?)");
  }

  /** Adds a failure of run {@code run} (its key) to the pending batch. */
  void add(long run, Entry.Failure f) throws SQLException {
    TaskFailure failure = f.failure();
    StoredTask task = encoder.encode(failure.stage(), failure.task(), f.declaredType());
    long type = typeId(failure.exceptionTypes());
    KeyedTrace trace = keyedTrace(failure);
    insert.setLong(1, run);
    insert.setString(2, failure.stage());
    insert.setLong(3, failure.taskId());
    insert.setString(4, task.json());
    insert.setString(5, task.type());
    insert.setString(6, task.note());
    insert.setLong(7, type);
    insert.setString(8, failure.message());
    insert.setLong(9, trace.id());
    insert.setString(10, trace.head());
    insert.setInt(11, failure.attempts());
    long at = failure.failedAt().toEpochMilli();
    insert.setLong(12, at);
    insert.addBatch();
    pending.add(new Pending(run, failure.stage(), type, at, failure.message(), task.json()));
  }

  /** Writes the pending batch: the rows, then what is kept about them. */
  void flush() throws SQLException {
    if (!pending.isEmpty()) {
      insert.executeBatch();
      indexBlocks();
    }
  }

  /**
   * Drops the pending batch and every cached id, after the transaction was rolled back: ids cached
   * in it may not exist.
   */
  void rolledBack() {
    Sql.clearBatches(insert, writeBlock);
    pending.clear();
    blocks.clear();
    typeIds.clear();
    traceIds.clear();
    traceKeys.clear();
    tracesCached = 0;
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

  /**
   * Counts the failures just inserted into their blocks and adds their texts to the blocks'
   * filters. In this transaction, which holds the write lock, the batch's rows got consecutive ids
   * ending with the last inserted one.
   */
  private void indexBlocks() throws SQLException {
    long id = lastRowId() - pending.size() + 1;
    Map<Long, long[]> filters = new HashMap<>();
    for (Pending f : pending) {
      blocks.add(id, f.run(), f.stage(), f.type(), f.at());
      long[] filter = filters.computeIfAbsent(id >> TextBlocks.SHIFT, this::storedFilter);
      TextBlocks.add(filter, f.message());
      TextBlocks.add(filter, f.task());
      id++;
    }
    pending.clear();
    blocks.flush();
    for (Map.Entry<Long, long[]> e : filters.entrySet()) {
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
}

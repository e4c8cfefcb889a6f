package io.celestialflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The failures table's index by run, stage and exception type: for each block of {@value
 * TextBlocks#BLOCK_SIZE} consecutive failure ids (the blocks of {@link TextBlocks}), how many
 * failures of each run, stage and type it holds, and the span of their times. A query by stage,
 * type or time reads these rows (a few per thousand failures), then reads the failures of the
 * blocks that hold what it asks for, newest first, and stops once its page is full; a block whose
 * count says the page's offset passes over it is skipped without being read.
 *
 * <p>Why not SQLite indexes on {@code failures(run, stage)} and {@code (run, type)}, as the store
 * had before: each cost about as much per write as the row itself. Measured by {@code
 * WriteThroughputBench} on 2026-12-05, the writer sustained 185,000–197,000 failures/s with both,
 * and 210,000–305,000 with these rows instead (one upsert per block, run, stage and type of a
 * batch). A page costs a few milliseconds more than through an index (at most 17 ms p95 over a
 * million failures, against a target of 200): see docs/store.md, "Failure pages".
 */
final class FailureBlocks {
  static final String DDL =
      """
      CREATE TABLE IF NOT EXISTS failure_blocks(
        run INTEGER NOT NULL, stage TEXT NOT NULL, type INTEGER NOT NULL, block INTEGER NOT NULL,
        count INTEGER NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
        PRIMARY KEY(run, stage, type, block)) WITHOUT ROWID\
      """;

  /**
   * Counts the blocks of a store made by a build that indexed the failures table instead (whose
   * index {@code failures_stage} is still there; {@link Schema#UPGRADE} then drops it).
   */
  static final String BACKFILL =
      "INSERT INTO failure_blocks(run, stage, type, block, count, first_at, last_at)"
          + " SELECT run, stage, type, id >> "
          + TextBlocks.SHIFT
          + ", count(*), min(failed_at), max(failed_at) FROM failures"
          + " WHERE EXISTS (SELECT 1 FROM sqlite_master"
          + " WHERE type = 'index' AND name = 'failures_stage')"
          + " GROUP BY run, stage, type, id >> "
          + TextBlocks.SHIFT;

  private FailureBlocks() {}

  /**
   * Failure ids {@code [low, high]} that may hold failures of a query, and how many they hold: -1
   * when that is not known exactly (the ids also hold failures the query leaves out).
   */
  record Range(long low, long high, long count) {
    boolean exact() {
      return count >= 0;
    }
  }

  /**
   * The blocks holding failures of run {@code run} at {@code stage} (null: any) of one of {@code
   * types} (null: any) within {@code [from, to)} (null: unbounded), newest first; a block's count
   * is exact when all of its failures of that stage and type fall within the time window.
   */
  static List<Range> ranges(
      Connection c,
      long run,
      @Nullable String stage,
      long @Nullable [] types,
      @Nullable Long from,
      @Nullable Long to)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT block, sum(count), min(first_at), max(last_at) FROM failure_blocks"
                + " WHERE run = ?");
    List<Object> args = new ArrayList<>();
    args.add(run);
    if (stage != null) {
      sql.append(" AND stage = ?");
      args.add(stage);
    }
    if (types != null) {
      sql.append(" AND type");
      Sql.appendIn(sql, args, types);
    }
    sql.append(" GROUP BY block");
    if (from != null || to != null) {
      sql.append(" HAVING max(last_at) >= ? AND min(first_at) < ?");
      args.add(from == null ? Long.MIN_VALUE : from);
      args.add(to == null ? Long.MAX_VALUE : to);
    }
    sql.append(" ORDER BY block DESC");
    List<Range> out = new ArrayList<>();
    try (PreparedStatement p = Sql.prepare(c, sql, args)) {
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          long block = r.getLong(1);
          boolean within =
              (from == null || r.getLong(3) >= from) && (to == null || r.getLong(4) < to);
          out.add(
              new Range(
                  block << TextBlocks.SHIFT,
                  ((block + 1) << TextBlocks.SHIFT) - 1,
                  within ? r.getLong(2) : -1));
        }
      }
    }
    return out;
  }

  /**
   * Counts failures into their blocks on the writer thread, and writes the counts with the batch
   * that inserted the failures: per block, and summed over the blocks into {@code failure_counts},
   * the run's counts by stage and type.
   */
  static final class Writer {
    private final PreparedStatement upsert;
    private final PreparedStatement upsertTotal;
    private final Map<Key, long[]> pending = new HashMap<>();

    private record Key(long run, String stage, long type, long block) {}

    private record TotalKey(long run, String stage, long type) {}

    Writer(Connection c) throws SQLException {
      upsert =
          c.prepareStatement(
              "INSERT INTO failure_blocks(run, stage, type, block, count, first_at, last_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run, stage, type, block) DO UPDATE"
                  + " SET count = count + excluded.count,"
                  + " first_at = min(first_at, excluded.first_at),"
                  + " last_at = max(last_at, excluded.last_at)");
      upsertTotal =
          c.prepareStatement(
              "INSERT INTO failure_counts(run, stage, type, count) VALUES (?, ?, ?, ?)"
                  + " ON CONFLICT(run, stage, type) DO UPDATE SET count = count + excluded.count");
    }

    /** Counts the failure with id {@code id}. */
    void add(long id, long run, String stage, long type, long at) {
      long[] c =
          pending.computeIfAbsent(
              new Key(run, stage, type, id >> TextBlocks.SHIFT),
              k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
      c[0]++;
      c[1] = Math.min(c[1], at);
      c[2] = Math.max(c[2], at);
    }

    /** Adds the pending counts to the stored ones, per block and in total. */
    void flush() throws SQLException {
      if (pending.isEmpty()) {
        return;
      }
      Map<TotalKey, long[]> totals = new HashMap<>();
      for (Map.Entry<Key, long[]> e : pending.entrySet()) {
        Key k = e.getKey();
        long[] v = e.getValue();
        totals.computeIfAbsent(new TotalKey(k.run(), k.stage(), k.type()), t -> new long[1])[0] +=
            v[0];
        upsert.setLong(1, k.run());
        upsert.setString(2, k.stage());
        upsert.setLong(3, k.type());
        upsert.setLong(4, k.block());
        upsert.setLong(5, v[0]);
        upsert.setLong(6, v[1]);
        upsert.setLong(7, v[2]);
        upsert.addBatch();
      }
      upsert.executeBatch();
      for (Map.Entry<TotalKey, long[]> e : totals.entrySet()) {
        TotalKey k = e.getKey();
        upsertTotal.setLong(1, k.run());
        upsertTotal.setString(2, k.stage());
        upsertTotal.setLong(3, k.type());
        upsertTotal.setLong(4, e.getValue()[0]);
        upsertTotal.addBatch();
      }
      upsertTotal.executeBatch();
      pending.clear();
    }

    /** Drops the pending counts (the transaction was rolled back). */
    void clear() {
      pending.clear();
      Sql.clearBatches(upsert, upsertTotal);
    }
  }
}

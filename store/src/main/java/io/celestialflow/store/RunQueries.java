package io.celestialflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The SQL behind the run queries: runs, their counters, inputs, unfinished tasks, stats. */
final class RunQueries {
  private static final String RUN_COLUMNS =
      "key, id, graph, structure, origin, origin_kind, started_at, ended_at, state, failures,"
          + " unfinished, dropped, note";

  private RunQueries() {}

  /** A run's key, or -1 if the store has no such run. */
  static long key(Connection c, String runId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT key FROM runs WHERE id = ?")) {
      p.setString(1, runId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : -1;
      }
    }
  }

  static List<RunInfo> runs(Connection c, int limit) throws SQLException {
    List<RunInfo> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT " + RUN_COLUMNS + " FROM runs ORDER BY started_at DESC, key DESC LIMIT ?")) {
      p.setInt(1, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(info(c, r));
        }
      }
    }
    return out;
  }

  static Optional<RunInfo> run(Connection c, String runId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?")) {
      p.setString(1, runId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(info(c, r)) : Optional.empty();
      }
    }
  }

  /** The most recent run of a graph, for {@code --resume} without a run id. */
  static Optional<String> latest(Connection c, String graph) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT id FROM runs WHERE graph = ? ORDER BY started_at DESC, key DESC LIMIT 1")) {
      p.setString(1, graph);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  static String stageTypes(Connection c, long run) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT stage_types FROM runs WHERE key = ?")) {
      p.setLong(1, run);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : "{}";
      }
    }
  }

  private static RunInfo info(Connection c, ResultSet r) throws SQLException {
    long key = r.getLong(1);
    long ended = r.getLong(8);
    @Nullable Instant endedAt = r.wasNull() ? null : Instant.ofEpochMilli(ended);
    return new RunInfo(
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        Instant.ofEpochMilli(r.getLong(7)),
        endedAt,
        r.getString(9),
        r.getLong(10),
        r.getLong(11),
        r.getLong(12),
        r.getString(13),
        stages(c, key),
        inputs(c, key));
  }

  private static List<RunInfo.StageCounts> stages(Connection c, long run) throws SQLException {
    List<RunInfo.StageCounts> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT stage, mode, received, succeeded, failed, duplicates, retries, unfinished,"
                + " emitted, elapsed_ms FROM stage_counts WHERE run = ? ORDER BY position")) {
      p.setLong(1, run);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(
              new RunInfo.StageCounts(
                  r.getString(1),
                  r.getString(2),
                  r.getLong(3),
                  r.getLong(4),
                  r.getLong(5),
                  r.getLong(6),
                  r.getLong(7),
                  r.getLong(8),
                  r.getLong(9),
                  r.getLong(10)));
        }
      }
    }
    return out;
  }

  private static List<RunInfo.InputPosition> inputs(Connection c, long run) throws SQLException {
    List<RunInfo.InputPosition> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT source, stage, start + read, exhausted, failed FROM inputs WHERE run = ?"
                + " ORDER BY source")) {
      p.setLong(1, run);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(
              new RunInfo.InputPosition(
                  r.getInt(1), r.getString(2), r.getLong(3), r.getInt(4) != 0, r.getInt(5) != 0));
        }
      }
    }
    return out;
  }

  static List<StoredTask> unfinished(Connection c, long run) throws SQLException {
    List<StoredTask> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT stage, task, task_type, task_note FROM unfinished WHERE run = ? ORDER BY id")) {
      p.setLong(1, run);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new StoredTask(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
        }
      }
    }
    return out;
  }

  static List<StatsSnapshot> stats(Connection c, long run, Instant since) throws SQLException {
    List<StatsSnapshot> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT at, stage, received, succeeded, failed, duplicates, retries, pending, running,"
                + " emitted FROM stats WHERE run = ? AND at >= ? ORDER BY at")) {
      p.setLong(1, run);
      p.setLong(2, since.toEpochMilli());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(
              new StatsSnapshot(
                  Instant.ofEpochMilli(r.getLong(1)),
                  r.getString(2),
                  r.getLong(3),
                  r.getLong(4),
                  r.getLong(5),
                  r.getLong(6),
                  r.getLong(7),
                  r.getLong(8),
                  r.getLong(9),
                  r.getLong(10)));
        }
      }
    }
    return out;
  }
}

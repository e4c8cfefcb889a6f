package io.celestialflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The SQL behind {@link RunStore#trace}: two recursive walks over the lineage indexes. */
final class LineageQueries {
  private static final String EVENT_COLUMNS = "task, parent, stage, event, attempt, at";

  private LineageQueries() {}

  static Trace trace(Connection c, String runId, long run, long taskId, int limit)
      throws SQLException {
    List<LineageEvent> self =
        events(
            c,
            "SELECT "
                + EVENT_COLUMNS
                + " FROM lineage WHERE run = ?1 AND task = ?2 ORDER BY at, event LIMIT ?3",
            run,
            taskId,
            limit);
    List<LineageEvent> up =
        events(
            c,
            "WITH RECURSIVE up(id) AS ("
                + " SELECT DISTINCT parent FROM lineage WHERE run = ?1 AND task = ?2 AND parent <> 0"
                // CROSS JOIN fixes the order: walk from the few ids found to their rows.
                + " UNION SELECT l.parent FROM up CROSS JOIN lineage l INDEXED BY lineage_task"
                + " WHERE l.run = ?1 AND l.task = up.id AND l.parent <> 0)"
                + " SELECT "
                + EVENT_COLUMNS
                + " FROM lineage INDEXED BY lineage_task WHERE run = ?1 AND task IN (SELECT id FROM up)"
                + " ORDER BY task, at, event LIMIT ?3",
            run,
            taskId,
            limit);
    List<LineageEvent> down =
        events(
            c,
            "WITH RECURSIVE down(id) AS (SELECT ?2"
                + " UNION SELECT l.task FROM down CROSS JOIN lineage l INDEXED BY lineage_parent"
                + " WHERE l.run = ?1 AND l.parent = down.id LIMIT ?3)"
                + " SELECT "
                + EVENT_COLUMNS
                + " FROM lineage INDEXED BY lineage_task"
                + " WHERE run = ?1 AND task IN (SELECT id FROM down) AND task <> ?2"
                + " ORDER BY task, at, event LIMIT ?3",
            run,
            taskId,
            limit + 1);
    boolean truncated = down.size() > limit;
    if (truncated) {
      down = down.subList(0, limit);
    }
    return new Trace(runId, taskId, up, self, down, truncated);
  }

  private static List<LineageEvent> events(
      Connection c, String sql, long run, long taskId, int limit) throws SQLException {
    List<LineageEvent> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setLong(1, run);
      p.setLong(2, taskId);
      p.setInt(3, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(
              new LineageEvent(
                  r.getLong(1),
                  r.getLong(2),
                  r.getString(3),
                  LineageEvent.Kind.of(r.getInt(4)),
                  r.getInt(5),
                  Instant.ofEpochMilli(r.getLong(6))));
        }
      }
    }
    return out;
  }
}

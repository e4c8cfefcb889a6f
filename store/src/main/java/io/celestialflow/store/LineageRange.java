package io.celestialflow.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How far a run's recorded lineage goes, so that {@code trace} can tell a run recorded without
 * lineage from a task id the run never had. One lookup at the end of the lineage index.
 */
final class LineageRange {
  private LineageRange() {}

  /**
   * The highest task id in a run's lineage.
   *
   * @param directory the store directory
   * @param runId the run
   * @return the id, or 0 if the run recorded no lineage
   */
  static long lastTask(Path directory, String runId) {
    StoreFile file = StoreFile.open(directory, false);
    try (Connection c = file.reader();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT max(task) FROM lineage WHERE run = (SELECT key FROM runs WHERE id = ?)")) {
      p.setString(1, runId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw file.failure("cannot read the lineage of run " + runId + " in", e);
    }
  }
}

package io.celestialflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/** Small JDBC helpers shared by the store's statements. */
final class Sql {
  private Sql() {}

  /**
   * Appends an {@code IN} list, {@code (?, ?, …)}, of the values to a statement's text, and the
   * values to its arguments.
   */
  static void appendIn(StringBuilder sql, List<Object> args, long[] values) {
    sql.append(" IN (").append(String.join(", ", Collections.nCopies(values.length, "?")));
    sql.append(")");
    for (long v : values) {
      args.add(v);
    }
  }

  /** Prepares a statement and binds its arguments, in order. */
  static PreparedStatement prepare(Connection c, CharSequence sql, List<Object> args)
      throws SQLException {
    PreparedStatement p = c.prepareStatement(sql.toString());
    try {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
    } catch (SQLException | RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Drops the pending batches of statements after their transaction was rolled back. */
  static void clearBatches(PreparedStatement... statements) {
    for (PreparedStatement p : statements) {
      try {
        p.clearBatch();
      } catch (SQLException ignored) {
        // the statement is unusable anyway; the next batch will fail and say why
      }
    }
  }
}

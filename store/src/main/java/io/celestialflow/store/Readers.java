package io.celestialflow.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Query connections, reused: WAL lets them read while the writer writes, each seeing the last
 * committed state. Thread-safe; a connection is used by one query at a time.
 */
final class Readers implements AutoCloseable {
  private static final int KEEP = 4;

  private final StoreFile file;
  private final ArrayBlockingQueue<Connection> idle = new ArrayBlockingQueue<>(KEEP);
  private volatile boolean closed;

  /** Work done with one connection. */
  @FunctionalInterface
  interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  Readers(StoreFile file) {
    this.file = file;
  }

  <T> T with(String what, Query<T> query) {
    if (closed) {
      throw new IllegalStateException("the run store " + file.file() + " is closed");
    }
    Connection c = idle.poll();
    if (c == null) {
      c = file.reader();
    }
    boolean reusable = true;
    try {
      return query.run(c);
    } catch (SQLException e) {
      reusable = false;
      throw file.failure("cannot " + what + " in", e);
    } finally {
      if (!reusable || closed || !idle.offer(c)) {
        quietlyClose(c);
      }
    }
  }

  private static void quietlyClose(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing more to do with a connection that cannot close
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) {
      quietlyClose(c);
    }
  }
}

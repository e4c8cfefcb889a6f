package io.celestialflow.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The store's database file in a store directory: opens connections, creates the schema on first
 * use, and turns SQLite's errors about the file into {@link StoreException}s that name it.
 */
final class StoreFile {
  /** The database file's name inside a store directory. */
  static final String FILE_NAME = "celestialflow-store.db";

  private static final int BUSY_TIMEOUT_MS = 30_000;

  private final Path directory;
  private final Path file;
  private final boolean durable;

  private StoreFile(Path directory, Path file, boolean durable) {
    this.directory = directory;
    this.file = file;
    this.durable = durable;
  }

  /**
   * Opens (creating if needed) the store in a directory and checks that it is one.
   *
   * @param directory the store directory, created if missing
   * @param durable whether every commit is synced to disk (survives power loss, not only crashes)
   */
  static StoreFile open(Path directory, boolean durable) {
    Path file = directory.resolve(FILE_NAME).toAbsolutePath();
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StoreException(
          "cannot create the run store directory " + directory.toAbsolutePath() + ": " + e, e);
    }
    StoreFile store = new StoreFile(directory.toAbsolutePath(), file, durable);
    try (Connection c = store.connect(false)) {
      store.initialise(c);
    } catch (SQLException e) {
      throw store.failure("cannot open", e);
    }
    return store;
  }

  /** The store directory (absolute). */
  Path directory() {
    return directory;
  }

  /** The database file. */
  Path file() {
    return file;
  }

  /** A connection that writes: WAL journal, the configured sync level, a long busy timeout. */
  Connection writer() {
    try {
      return connect(false);
    } catch (SQLException e) {
      throw failure("cannot open", e);
    }
  }

  /** A connection for queries. */
  Connection reader() {
    try {
      return connect(true);
    } catch (SQLException e) {
      throw failure("cannot open", e);
    }
  }

  private Connection connect(boolean queryOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(
        durable ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    Connection c = config.createConnection("jdbc:sqlite:" + file);
    if (queryOnly) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = 1");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  private void initialise(Connection c) throws SQLException {
    // Transactions are begun and ended by hand (autocommit stays on for the driver): BEGIN
    // IMMEDIATE takes the write lock at once, so two processes never deadlock upgrading a lock.
    try (Statement s = c.createStatement()) {
      // Fails with SQLITE_NOTADB on a file that is not a database at all.
      s.executeUpdate("BEGIN IMMEDIATE");
      boolean hasMeta;
      try (ResultSet r =
          s.executeQuery(
              "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'")) {
        hasMeta = r.next() && r.getInt(1) == 1;
      }
      boolean empty;
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
        empty = r.next() && r.getInt(1) == 0;
      }
      if (!hasMeta && !empty) {
        throw new StoreException(
            file + " is an SQLite database but not a CelestialFlow run store (no meta table)");
      }
      if (hasMeta) {
        String format = meta(c, "format");
        String version = meta(c, "version");
        if (!Schema.FORMAT.equals(format)) {
          throw new StoreException(
              file
                  + " is an SQLite database but not a CelestialFlow run store (format "
                  + format
                  + ")");
        }
        if (!String.valueOf(Schema.VERSION).equals(version)) {
          throw new StoreException(
              "run store "
                  + file
                  + " has schema version "
                  + version
                  + "; this celestialflow-store reads version "
                  + Schema.VERSION);
        }
        for (String ddl : Schema.UPGRADE) {
          s.executeUpdate(ddl);
        }
      } else {
        for (String ddl : Schema.DDL) {
          s.executeUpdate(ddl);
        }
        for (String ddl : Schema.UPGRADE) {
          s.executeUpdate(ddl);
        }
        s.executeUpdate(
            "INSERT INTO meta(key, value) VALUES ('format', '"
                + Schema.FORMAT
                + "'), ('version', '"
                + Schema.VERSION
                + "')");
      }
      s.executeUpdate("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollback(c, e);
      throw e;
    }
  }

  /** Rolls back the open transaction, if any, keeping the first error. */
  static void rollback(Connection c, Exception cause) {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("ROLLBACK");
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        cause.addSuppressed(e);
      }
    }
  }

  private static @Nullable String meta(Connection c, String key) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      p.setString(1, key);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  /** A store exception naming the file, with a hint for the usual causes. */
  StoreException failure(String what, SQLException e) {
    String hint = "";
    if (e instanceof SQLiteException se) {
      SQLiteErrorCode code = se.getResultCode();
      hint =
          switch (code.code & 0xff) {
            case 26 -> " (the file is not a database, or it is corrupt)"; // SQLITE_NOTADB
            case 11 -> " (the database file is corrupt)"; // SQLITE_CORRUPT
            case 8 -> " (the file or its directory is read-only)"; // SQLITE_READONLY
            case 13 -> " (the disk is full)"; // SQLITE_FULL
            case 14 -> " (the file or its directory cannot be opened or created)"; // CANTOPEN
            default -> "";
          };
    }
    return new StoreException(what + " run store " + file + hint + ": " + e.getMessage(), e);
  }
}

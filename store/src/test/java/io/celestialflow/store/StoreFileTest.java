package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's file: opening what is not a store, and two processes writing one store directory at
 * once.
 */
class StoreFileTest {
  @TempDir Path dir;

  @Test
  @Timeout(30)
  void aCorruptStoreFileIsAClearErrorNamingTheFile() throws Exception {
    Path file = dir.resolve(StoreFile.FILE_NAME);
    byte[] noise = new byte[64 * 1024];
    new Random(7).nextBytes(noise);
    Files.write(file, noise);
    assertThatThrownBy(() -> RunStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining("not a database, or it is corrupt");
  }

  @Test
  @Timeout(30)
  void aStoreWhosePagesWereOverwrittenIsAClearErrorNamingTheFile() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      store.newRun(StoreChild.failing("g")).input("boom", List.of(1, 2, 3)).run();
    }
    Path file = dir.resolve(StoreFile.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    // Keep the header, scribble over the schema page: SQLite reports the file as malformed.
    for (int i = 100; i < Math.min(bytes.length, 4096); i++) {
      bytes[i] = (byte) 0xA5;
    }
    Files.write(file, bytes);
    Files.deleteIfExists(dir.resolve(StoreFile.FILE_NAME + "-wal"));
    Files.deleteIfExists(dir.resolve(StoreFile.FILE_NAME + "-shm"));
    assertThatThrownBy(() -> RunStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining("corrupt");
  }

  @Test
  @Timeout(30)
  void anotherSqliteDatabaseIsNotTakenForAStore() throws Exception {
    Path file = dir.resolve(StoreFile.FILE_NAME);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
    }
    assertThatThrownBy(() -> RunStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            file.toAbsolutePath() + " is an SQLite database but not a CelestialFlow run store");
  }

  @Test
  @Timeout(30)
  void aStoreOfANewerSchemaVersionIsRefused() throws Exception {
    RunStore.open(dir).close();
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(StoreFile.FILE_NAME));
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE meta SET value = '99' WHERE key = 'version'");
    }
    assertThatThrownBy(() -> RunStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("has schema version 99; this celestialflow-store reads version 1");
  }

  /** Two JVMs record into one store directory at once: both runs are complete, nothing corrupt. */
  @Test
  @Timeout(120)
  void twoProcessesWritingOneStoreAtOnceBothLandIntact() throws Exception {
    Path store = dir.resolve("store");
    int n = 20_000;
    try (ChildJvm a = ChildJvm.start(dir, "failures", store.toString(), Integer.toString(n));
        ChildJvm b = ChildJvm.start(dir, "failures", store.toString(), Integer.toString(n))) {
      String outA = new String(a.process.getInputStream().readAllBytes());
      String outB = new String(b.process.getInputStream().readAllBytes());
      assertThat(a.await(60)).as("first writer: %s", a.err()).isZero();
      assertThat(b.await(60)).as("second writer: %s", b.err()).isZero();
      assertThat(outA).startsWith("done ").endsWith(" ok\n");
      assertThat(outB).startsWith("done ").endsWith(" ok\n");
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + store.resolve(StoreFile.FILE_NAME));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
      r.next();
      assertThat(r.getString(1)).isEqualTo("ok");
    }
    try (RunStore reopened = RunStore.open(store)) {
      List<RunInfo> runs = reopened.runs(10);
      assertThat(runs).hasSize(2);
      for (RunInfo run : runs) {
        assertThat(run.state()).isEqualTo("COMPLETED");
        assertThat(run.failures()).isEqualTo(n);
        assertThat(run.dropped()).isZero();
        assertThat(reopened.failureSummary(run.id()).total()).isEqualTo(n);
        assertThat(
                reopened
                    .failures(run.id(), FailureQuery.all().text("boom " + (n - 1)).limit(10))
                    .failures())
            .hasSize(1);
      }
    }
  }
}

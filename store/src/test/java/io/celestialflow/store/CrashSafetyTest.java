package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills ({@code kill -9}) a child JVM that writes failures into the store at a random moment, many
 * times over one store directory: the store always reopens intact, and every record the child's
 * writer reported committed is there.
 */
class CrashSafetyTest {
  @TempDir Path dir;

  @Test
  @Timeout(150)
  void killedWritersLoseNothingTheyReportedCommitted() throws Exception {
    trials(10, 42);
  }

  @Test
  @Tag("soak")
  @Timeout(3600)
  void soak() throws Exception {
    trials(200, System.nanoTime());
  }

  private void trials(int n, long seed) throws Exception {
    Random random = new Random(seed);
    Path store = dir.resolve("store");
    for (int trial = 0; trial < n; trial++) {
      long reported = killAtRandom(store, random.nextInt(1500));
      Check check = check(store);
      assertThat(check.integrity()).as("trial %d (seed %d)", trial, seed).isEqualTo("ok");
      assertThat(check.runs()).as("runs after trial %d", trial).isEqualTo(trial + 1);
      // Every committed record: the run's start plus its failures, in input order (SERIAL stage).
      assertThat(check.failures() + 1)
          .as("trial %d (seed %d): records present vs reported committed", trial, seed)
          .isGreaterThanOrEqualTo(reported);
      assertThat(check.distinctTasks()).isEqualTo(check.failures());
      assertThat(check.maxTask()).isEqualTo(check.failures() - 1);
      try (RunStore reopened = RunStore.open(store)) {
        RunInfo last = reopened.runs(1).get(0);
        assertThat(last.state()).isEqualTo("RUNNING"); // killed: it never ended
        assertThat(reopened.failureSummary(last.id()).total()).isEqualTo(check.failures());
      }
    }
  }

  /**
   * Starts a writer, kills it {@code millis} after its first commit; the last count it reported.
   */
  private long killAtRandom(Path store, int millis) throws Exception {
    AtomicLong reported = new AtomicLong();
    CountDownLatch firstCommit = new CountDownLatch(1);
    try (ChildJvm child = ChildJvm.start(dir, "endless", store.toString())) {
      Thread reader =
          new Thread(() -> {
            try (BufferedReader out = child.stdout()) {
              String line;
              while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                  reported.set(Long.parseLong(line.substring(10)));
                  firstCommit.countDown();
                }
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      reader.start();
      assertThat(firstCommit.await(60, TimeUnit.SECONDS))
          .as("the child commits something; stderr: %s", child.err())
          .isTrue();
      Thread.sleep(millis);
      child.process.destroyForcibly(); // SIGKILL
      assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(30_000);
    }
    return reported.get();
  }

  private record Check(
      String integrity, long runs, long failures, long distinctTasks, long maxTask) {}

  private static Check check(Path store) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + store.resolve(StoreFile.FILE_NAME));
        Statement s = c.createStatement()) {
      String integrity;
      try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
        r.next();
        integrity = r.getString(1);
      }
      long runs;
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM runs")) {
        r.next();
        runs = r.getLong(1);
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT count(*), count(DISTINCT task), coalesce(max(CAST(task AS INTEGER)), -1)"
                  + " FROM failures WHERE run = (SELECT max(key) FROM runs)")) {
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return new Check(integrity, runs, r.getLong(1), r.getLong(2), r.getLong(3));
        }
      }
    }
  }
}

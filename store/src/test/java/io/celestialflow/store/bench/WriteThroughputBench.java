package io.celestialflow.store.bench;

import io.celestialflow.TaskFailure;
import io.celestialflow.store.StoreBenchAccess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Locale;
import org.sqlite.SQLiteConfig;

/**
 * Records per second into the store, beside the same number of rows inserted with plain sqlite-jdbc
 * batches (one table, no index, one transaction per 8,192 rows: the most the database itself does),
 * in the same run.
 *
 * <p>Run: {@code java -cp <test class path> io.celestialflow.store.bench.WriteThroughputBench
 * [records] [rounds]} (defaults 1,000,000 and 3): every kind is measured once per round, and its
 * figure is the median of its rounds. Target: at least 200,000 records/s into the store.
 */
public final class WriteThroughputBench {
  private static final int BATCH = 8192;

  private WriteThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path tmp = Scratch.directory("cf-bench-write");
    String trace = trace();
    // Warm up both paths on a tenth of the records.
    raw(tmp.resolve("warm-raw.db"), n / 10, trace);
    failures(tmp.resolve("warm-store"), n / 10, trace);
    thrown(tmp.resolve("warm-thrown"), n / 10);

    // Each round measures every kind once, in turn; a kind's figure is the median of its rounds,
    // so that one slow moment of a shared machine does not make it.
    double[][] rates = new double[4][rounds];
    double keyMicros = 0;
    for (int r = 0; r < rounds; r++) {
      Path round = java.nio.file.Files.createDirectories(tmp.resolve("round-" + r));
      rates[0][r] = raw(round.resolve("raw.db"), n, trace);
      rates[1][r] = failures(round.resolve("failures"), n, trace);
      double[] thrownAndKey = thrown(round.resolve("thrown"), n);
      rates[2][r] = thrownAndKey[0];
      keyMicros = thrownAndKey[1];
      rates[3][r] = lineage(round.resolve("lineage"), n);
      System.out.printf(
          Locale.ROOT,
          "round %d: raw %,.0f rows/s, failure records %,.0f (rendered) %,.0f (thrown),"
              + " lineage records %,.0f per second%n",
          r + 1,
          rates[0][r],
          rates[1][r],
          rates[2][r],
          rates[3][r]);
      Scratch.deleteTree(round);
    }
    double raw = Median.of(rates[0]);
    double failures = Median.of(rates[1]);
    double thrown = Median.of(rates[2]);
    double lineage = Median.of(rates[3]);
    System.out.printf(
        Locale.ROOT,
        "records: %,d, medians of %d rounds%nraw sqlite-jdbc batch insert (baseline): %,.0f rows/s%n"
            + "store, failure records (rendered traces): %,.0f records/s  (%.2fx baseline)%n"
            + "store, failure records (thrown):          %,.0f records/s  (%.2fx baseline)%n"
            + "  (trace key on the reporting thread:     %.1f us per failure)%n"
            + "store, lineage records:                   %,.0f records/s  (%.2fx baseline)%n"
            + "target: >= 200,000 records/s%n",
        n,
        rounds,
        raw,
        failures,
        failures / raw,
        thrown,
        thrown / raw,
        keyMicros,
        lineage,
        lineage / raw);
  }

  /**
   * Failures as the engine makes them: each one from its own exception (made at one of ten places,
   * with its own message), its stack trace not rendered. The failures and their trace keys are made
   * before the clock starts, as the engine's worker threads make them (in parallel, see {@code
   * RunRecorder}); their cost per failure is printed on its own. The clock then times the writer.
   */
  private static double[] thrown(Path dir, int n) {
    TaskFailure[] made = new TaskFailure[n];
    for (int i = 0; i < n; i++) {
      made[i] = TaskFailure.of("stage", i, 0, Thrower.at(i % 10, i), 1);
    }
    long k0 = System.nanoTime();
    for (TaskFailure f : made) {
      f.traceKey();
    }
    double keyMicros = (System.nanoTime() - k0) / 1e3 / n;
    try (StoreBenchAccess store = new StoreBenchAccess(dir)) {
      store.startRun("bench");
      store.flush("bench");
      long cpu0 = store.writerCpuNanos();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        store.failure("bench", made[i]);
        made[i] = null;
      }
      store.flush("bench");
      double rate = n / ((System.nanoTime() - t0) / 1e9);
      cpu("failure records (thrown)", n, store.writerCpuNanos() - cpu0);
      return new double[] {rate, keyMicros};
    }
  }

  /** Ten throw sites, a few frames deep. */
  private static final class Thrower {
    static RuntimeException at(int place, int task) {
      return deeper(place, task, 8);
    }

    private static RuntimeException deeper(int place, int task, int depth) {
      if (depth > 0) {
        return deeper(place, task, depth - 1);
      }
      String message = "boom " + task;
      return switch (place) {
        case 0 -> new IllegalStateException(message);
        case 1 -> new IllegalArgumentException(message);
        case 2 -> new UnsupportedOperationException(message);
        case 3 -> new ArithmeticException(message);
        case 4 -> new IndexOutOfBoundsException(message);
        case 5 -> new NullPointerException(message);
        case 6 -> new ClassCastException(message);
        case 7 -> new java.util.NoSuchElementException(message);
        case 8 -> new java.io.UncheckedIOException(message, new java.io.IOException("disk full"));
        default -> new RuntimeException(message);
      };
    }
  }

  /**
   * Prints what the writer thread's own CPU time says it sustains on a core of its own: a figure
   * that holds on a busy machine, where wall-clock rates depend on what else runs.
   */
  private static void cpu(String what, int n, long nanos) {
    System.out.printf(
        Locale.ROOT,
        "  writer CPU, %s: %.2f us per record = %,.0f records per CPU-second%n",
        what,
        nanos / 1e3 / n,
        n / (nanos / 1e9));
  }

  /** A 20-frame stack trace like a real one, its first line the failure's own. */
  static String trace() {
    StringBuilder s = new StringBuilder("java.lang.IllegalStateException: boom 0\n");
    for (int i = 0; i < 20; i++) {
      s.append("\tat com.example.pipeline.Stage")
          .append(i)
          .append(".apply(Stage")
          .append(i)
          .append(".java:")
          .append(10 + i)
          .append(")\n");
    }
    return s.toString();
  }

  private static double failures(Path dir, int n, String trace) {
    TaskFailure[] made = new TaskFailure[Math.min(n, 100_000)];
    for (int i = 0; i < made.length; i++) {
      made[i] = StoreBenchAccess.failure(i, trace.replace("boom 0", "boom " + i));
    }
    try (StoreBenchAccess store = new StoreBenchAccess(dir)) {
      store.startRun("bench");
      store.flush("bench");
      long cpu0 = store.writerCpuNanos();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        store.failure("bench", made[i % made.length]);
      }
      store.flush("bench");
      double rate = n / ((System.nanoTime() - t0) / 1e9);
      cpu("failure records (rendered traces)", n, store.writerCpuNanos() - cpu0);
      return rate;
    }
  }

  private static double lineage(Path dir, int n) {
    try (StoreBenchAccess store = new StoreBenchAccess(dir)) {
      store.startRun("bench");
      store.flush("bench");
      store.startLineage("bench", java.util.List.of("stage"));
      long cpu0 = store.writerCpuNanos();
      long t0 = System.nanoTime();
      for (int i = 1; i <= n; i++) {
        store.lineage("bench", i, i / 2, "stage");
      }
      store.flush("bench"); // ends the run's lineage: its last blocks written, its log closed
      double rate = n / ((System.nanoTime() - t0) / 1e9);
      cpu("lineage records", n, store.writerCpuNanos() - cpu0);
      return rate;
    }
  }

  private static double raw(Path file, int n, String trace) throws Exception {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    try (Connection c = config.createConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "CREATE TABLE f(id INTEGER PRIMARY KEY, run INTEGER, stage TEXT, task TEXT,"
              + " type INTEGER, message TEXT, trace INTEGER, attempts INTEGER, at INTEGER)");
      long t0 = System.nanoTime();
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO f(run, stage, task, type, message, trace, attempts, at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < n; i += BATCH) {
          s.executeUpdate("BEGIN IMMEDIATE");
          for (int j = i; j < Math.min(n, i + BATCH); j++) {
            p.setLong(1, 1);
            p.setString(2, "stage");
            p.setString(3, Integer.toString(j));
            p.setLong(4, 1);
            p.setString(5, "boom " + j);
            p.setLong(6, trace.length());
            p.setInt(7, 1);
            p.setLong(8, j);
            p.addBatch();
          }
          p.executeBatch();
          s.executeUpdate("COMMIT");
        }
      }
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }
}

package io.celestialflow.store.bench;

import io.celestialflow.store.RunStore;
import io.celestialflow.store.StoreBenchAccess;
import io.celestialflow.store.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Latency of {@link RunStore#trace} over a run with 1,000,000 lineage events (inputs split in two,
 * one half going through two more stages), beside a single indexed lookup of one task's events in
 * the same run. Target: p95 at most 50 ms.
 *
 * <p>Run: {@code java -cp <test class path> io.celestialflow.store.bench.TraceLatencyBench [events]
 * [traces]} (defaults 1,000,000 and 200).
 */
public final class TraceLatencyBench {
  private TraceLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int traces = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path dir = Files.createTempDirectory("cf-bench-trace");
    long id = 0;
    long t0 = System.nanoTime();
    try (StoreBenchAccess access = new StoreBenchAccess(dir)) {
      access.startRun("t");
      // Each family: input -> split (2 children) -> one child -> enrich -> store: 5 events.
      for (int events = 0; events < n; events += 5) {
        long input = ++id;
        long left = ++id;
        long right = ++id;
        long enriched = ++id;
        long stored = ++id;
        access.lineage("t", input, 0, "split");
        access.lineage("t", left, input, "parse");
        access.lineage("t", right, input, "parse");
        access.lineage("t", enriched, left, "enrich");
        access.lineage("t", stored, enriched, "store");
      }
      access.flush("t");
    }
    System.out.printf(
        Locale.ROOT, "loaded %,d lineage events in %.1f s%n", id, (System.nanoTime() - t0) / 1e9);
    Random random = new Random(3);
    try (RunStore store = RunStore.open(dir);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        PreparedStatement lookup =
            c.prepareStatement("SELECT * FROM lineage WHERE run = 1 AND task = ?")) {
      double[] traceMs = new double[traces];
      double[] lookupMs = new double[traces];
      long found = 0;
      for (int i = 0; i < traces; i++) {
        long task = 1 + random.nextInt((int) id);
        long s = System.nanoTime();
        Trace t = store.trace("t", task);
        traceMs[i] = (System.nanoTime() - s) / 1e6;
        found += t.found() ? 1 : 0;
        s = System.nanoTime();
        lookup.setLong(1, task);
        try (ResultSet r = lookup.executeQuery()) {
          while (r.next()) {
            found += 0;
          }
        }
        lookupMs[i] = (System.nanoTime() - s) / 1e6;
      }
      Arrays.sort(traceMs);
      Arrays.sort(lookupMs);
      double p95 = traceMs[(int) Math.ceil(0.95 * traces) - 1];
      double base = lookupMs[(int) Math.ceil(0.95 * traces) - 1];
      System.out.printf(
          Locale.ROOT,
          "traces: %d (%d found)%nbaseline: one indexed lookup: p95 %.2f ms%n"
              + "trace (ancestors + descendants): p50 %.2f ms, p95 %.2f ms (%.1fx baseline)%n"
              + "target: p95 <= 50 ms%n",
          traces,
          found,
          base,
          traceMs[traces / 2],
          p95,
          p95 / base);
    }
  }
}

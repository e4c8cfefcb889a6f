package io.celestialflow.store.bench;

import io.celestialflow.store.RunStore;
import io.celestialflow.store.StoreBenchAccess;
import io.celestialflow.store.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Latency of {@link RunStore#trace} over a run with 1,000,000 lineage events (inputs split in two,
 * one half going through two more stages). Every trace opens the run's lineage files afresh (no
 * state is kept between calls, as in the runner's {@code trace} command, one process per trace);
 * the first trace of the process, which also loads the classes, is reported on its own. Also
 * reported: the time to hand the events over and index them at the run's end, the size of the
 * files, and a trace without the index (as of a run killed before its end, whose log each trace
 * indexes in memory). Target: p95 at most 50 ms.
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
    long end;
    try (StoreBenchAccess access = new StoreBenchAccess(dir)) {
      access.startRun("t");
      access.startLineage("t", List.of("split", "parse", "enrich", "store"));
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
      end = System.nanoTime();
      access.flush("t"); // the run's end: the last buffers written, the log indexed
    }
    long done = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "loaded %,d lineage events in %.1f s (of which the end, writing the rest and indexing:"
            + " %.0f ms)%nfiles: %s%n",
        id,
        (done - t0) / 1e9,
        (done - end) / 1e6,
        sizes(dir.resolve("lineage")));
    Random random = new Random(3);
    try (RunStore store = RunStore.open(dir)) {
      double[] traceMs = new double[traces];
      long found = 0;
      double first = 0;
      for (int i = 0; i < traces; i++) {
        long task = 1 + random.nextInt((int) id);
        long s = System.nanoTime();
        Trace t = store.trace("t", task);
        traceMs[i] = (System.nanoTime() - s) / 1e6;
        first = i == 0 ? traceMs[0] : first;
        found += t.found() ? 1 : 0;
      }
      Arrays.sort(traceMs);
      double p95 = traceMs[(int) Math.ceil(0.95 * traces) - 1];
      System.out.printf(
          Locale.ROOT,
          "traces: %d (%d found), each opening the files afresh%n"
              + "first trace of the process: %.2f ms%n"
              + "trace (ancestors + descendants): p50 %.2f ms, p95 %.2f ms, max %.2f ms%n"
              + "target: p95 <= 50 ms%n",
          traces,
          found,
          first,
          traceMs[traces / 2],
          p95,
          traceMs[traces - 1]);
      // As after a run killed before its end: no index, so each trace indexes the log in memory.
      try (Stream<Path> files = Files.list(dir.resolve("lineage"))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".idx")).toList()) {
          Files.delete(f);
        }
      }
      double[] scanMs = new double[5];
      for (int i = 0; i < scanMs.length; i++) {
        long s = System.nanoTime();
        store.trace("t", 1 + random.nextInt((int) id));
        scanMs[i] = (System.nanoTime() - s) / 1e6;
      }
      Arrays.sort(scanMs);
      System.out.printf(
          Locale.ROOT,
          "without the index (a killed run's log): median %.0f ms per trace%n",
          scanMs[scanMs.length / 2]);
    }
  }

  private static String sizes(Path dir) throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        out.append(
            String.format(Locale.ROOT, "%s %.1f MB  ", f.getFileName(), Files.size(f) / 1e6));
      }
    }
    return out.toString().trim();
  }
}

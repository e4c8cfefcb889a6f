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
 * the first trace of the run, which builds and writes the index (and, here, also loads the
 * classes), is reported on its own and left out of the percentiles. Also reported: the time to hand
 * the events over and close the log at the run's end, the size of the files, and the first trace of
 * a run whose index was deleted, repeated (with the classes loaded). Target: p95 at most 50 ms.
 *
 * <p>Run: {@code java -cp <test class path> io.celestialflow.store.bench.TraceLatencyBench [events]
 * [traces]} (defaults 1,000,000 and 200).
 */
public final class TraceLatencyBench {
  private TraceLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int traces = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path dir = Scratch.directory("cf-bench-trace");
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
      access.flush("t"); // the run's end: the last buffers written
    }
    long done = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "loaded %,d lineage events in %.1f s (of which the end, writing the rest: %.0f ms)%n",
        id,
        (done - t0) / 1e9,
        (done - end) / 1e6);
    Random random = new Random(3);
    try (RunStore store = RunStore.open(dir)) {
      long s0 = System.nanoTime();
      store.trace("t", 1 + random.nextInt((int) id));
      double first = (System.nanoTime() - s0) / 1e6;
      System.out.printf(
          Locale.ROOT,
          "first trace of the run (builds and writes the index; loads the classes): %.1f ms%n"
              + "files: %s%n",
          first,
          sizes(dir.resolve("lineage")));
      double[] traceMs = new double[traces];
      long found = 0;
      for (int i = 0; i < traces; i++) {
        long task = 1 + random.nextInt((int) id);
        long s = System.nanoTime();
        Trace t = store.trace("t", task);
        traceMs[i] = (System.nanoTime() - s) / 1e6;
        found += t.found() ? 1 : 0;
      }
      Arrays.sort(traceMs);
      double p95 = traceMs[(int) Math.ceil(0.95 * traces) - 1];
      System.out.printf(
          Locale.ROOT,
          "later traces: %d (%d found), each opening the files afresh%n"
              + "trace (ancestors + descendants): p50 %.2f ms, p95 %.2f ms, max %.2f ms%n"
              + "target: p95 <= 50 ms%n",
          traces,
          found,
          traceMs[traces / 2],
          p95,
          traceMs[traces - 1]);
      // The first trace again, the index deleted before each: it reads the log, builds the index
      // and writes it.
      double[] scanMs = new double[5];
      for (int i = 0; i < scanMs.length; i++) {
        try (Stream<Path> files = Files.list(dir.resolve("lineage"))) {
          for (Path f : files.filter(f -> f.toString().endsWith(".idx")).toList()) {
            Files.delete(f);
          }
        }
        long s = System.nanoTime();
        store.trace("t", 1 + random.nextInt((int) id));
        scanMs[i] = (System.nanoTime() - s) / 1e6;
      }
      Arrays.sort(scanMs);
      System.out.printf(
          Locale.ROOT,
          "first trace of a run (builds and writes the index), classes loaded: median %.0f ms%n",
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

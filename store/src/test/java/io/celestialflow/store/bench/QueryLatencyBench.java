package io.celestialflow.store.bench;

import io.celestialflow.TaskFailure;
import io.celestialflow.store.FailurePage;
import io.celestialflow.store.FailureQuery;
import io.celestialflow.store.RunStore;
import io.celestialflow.store.StoreBenchAccess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Latency of the dashboard's failure queries over a run with 1,000,000 failures (5 stages, 4
 * exception types in 2 families, messages with varied words, spread over an hour): p50 and p95 of
 * each query beside a full scan of the failures table (the baseline: what a query without an index
 * costs) in the same run. Target: p95 at most 200 ms for every query.
 *
 * <p>Run: {@code java -cp <test class path> io.celestialflow.store.bench.QueryLatencyBench
 * [failures] [repeats]} (defaults 1,000,000 and 30).
 */
public final class QueryLatencyBench {
  private static final String[] STAGES = {"fetch", "parse", "enrich", "score", "store"};

  /** A stage that fails once in {@link #RARE_EVERY} failures: a page of it spans many blocks. */
  private static final String RARE = "audit";

  private static final int RARE_EVERY = 10_000;
  private static final List<List<String>> TYPES =
      List.of(
          List.of(
              "java.net.SocketTimeoutException",
              "java.io.InterruptedIOException",
              "java.io.IOException",
              "java.lang.Exception",
              "java.lang.Throwable"),
          List.of(
              "java.io.FileNotFoundException",
              "java.io.IOException",
              "java.lang.Exception",
              "java.lang.Throwable"),
          List.of(
              "java.lang.IllegalStateException",
              "java.lang.RuntimeException",
              "java.lang.Exception",
              "java.lang.Throwable"),
          List.of(
              "java.lang.NumberFormatException",
              "java.lang.IllegalArgumentException",
              "java.lang.RuntimeException",
              "java.lang.Exception",
              "java.lang.Throwable"));
  private static final String[] WORDS = {
    "timeout", "refused", "malformed", "missing", "overflow", "denied", "reset", "closed"
  };

  private QueryLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path dir = Scratch.directory("cf-bench-query");
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    long t0 = System.nanoTime();
    try (StoreBenchAccess access = new StoreBenchAccess(dir)) {
      access.startRun("q");
      Random random = new Random(1);
      String trace = WriteThroughputBench.trace();
      for (int i = 0; i < n; i++) {
        int t = random.nextInt(TYPES.size());
        String message =
            WORDS[random.nextInt(WORDS.length)] + " at item " + i + " (" + WORDS[t * 2] + ")";
        TaskFailure f =
            StoreBenchAccess.failure(
                i % RARE_EVERY == RARE_EVERY / 2 ? RARE : STAGES[random.nextInt(STAGES.length)],
                i,
                TYPES.get(t),
                message,
                TYPES.get(t).get(0) + ": " + message + trace.substring(trace.indexOf('\n')),
                start.plusMillis(i * 3600_000L / n));
        access.failure("q", f);
      }
      access.flush("q");
    }
    long bytes;
    try (var files = java.nio.file.Files.list(dir)) {
      bytes = files.mapToLong(f -> f.toFile().length()).sum();
    }
    System.out.printf(
        Locale.ROOT,
        "loaded %,d failures in %.1f s; the store's files: %.1f MB%n",
        n,
        (System.nanoTime() - t0) / 1e9,
        bytes / 1e6);

    try (RunStore store = RunStore.open(dir)) {
      long cursor = store.failures("q", FailureQuery.all().offset(n / 2).limit(1)).nextCursor();
      long someId = store.failures("q", FailureQuery.all().limit(1)).nextCursor();
      Map<String, Supplier<Object>> queries = new LinkedHashMap<>();
      queries.put("counts by stage and type", () -> store.failureSummary("q"));
      queries.put("newest page", () -> store.failures("q", FailureQuery.all()));
      queries.put("page by stage", () -> store.failures("q", FailureQuery.all().stage("score")));
      queries.put("page by rare stage", () -> store.failures("q", FailureQuery.all().stage(RARE)));
      queries.put(
          "page 100 by stage (offset)",
          () -> store.failures("q", FailureQuery.all().stage("score").offset(100 * 50)));
      queries.put(
          "page by type",
          () -> store.failures("q", FailureQuery.all().type("java.io.IOException")));
      queries.put(
          "page by stage+type",
          () ->
              store.failures(
                  "q", FailureQuery.all().stage("parse").type("java.lang.RuntimeException")));
      queries.put(
          "page by text (common)", () -> store.failures("q", FailureQuery.all().text("refused")));
      queries.put(
          "page by text (rare)",
          () -> store.failures("q", FailureQuery.all().text("item " + (n / 3) + " ")));
      queries.put(
          "page by text (none)", () -> store.failures("q", FailureQuery.all().text("no such")));
      queries.put(
          "page by time window",
          () ->
              store.failures(
                  "q",
                  FailureQuery.all().between(start.plusSeconds(1800), start.plusSeconds(1860))));
      queries.put(
          "deep page (cursor)", () -> store.failures("q", FailureQuery.all().before(cursor)));
      queries.put(
          "page 100 (offset)", () -> store.failures("q", FailureQuery.all().offset(100 * 50)));
      queries.put("stack trace", () -> store.stackTrace(someId));

      double scan = percentiles(repeats, () -> fullScan(store.file()))[0];
      System.out.printf(
          Locale.ROOT, "baseline: full scan of the failures table: p50 %.1f ms%n", scan);
      System.out.printf(
          Locale.ROOT, "%-28s %9s %9s %9s%n", "query", "p50 ms", "p95 ms", "p95/scan");
      for (Map.Entry<String, Supplier<Object>> q : queries.entrySet()) {
        double[] p = percentiles(repeats, q.getValue());
        double p50 = p[0];
        double p95 = p[1];
        System.out.printf(
            Locale.ROOT, "%-28s %9.1f %9.1f %9.2f%n", q.getKey(), p50, p95, p95 / scan);
      }
      System.out.println("target: p95 <= 200 ms for every query");
      FailurePage check = store.failures("q", FailureQuery.all().type("java.io.IOException"));
      System.out.println("(check: first IOException page has " + check.failures().size() + ")");
    }
  }

  private static Object fullScan(Path file) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM failures WHERE message LIKE '%zzz%'")) {
      r.next();
      return r.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The 50th and 95th percentiles of {@code repeats} timings of the query, in milliseconds. */
  private static double[] percentiles(int repeats, Supplier<Object> query) {
    int sink = query.get().hashCode(); // warm
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      sink += query.get().hashCode();
      times.add((System.nanoTime() - t) / 1e6);
    }
    if (sink == 42) {
      System.out.print(""); // keeps the results alive
    }
    double[] sorted = times.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return new double[] {
      sorted[Math.max(0, (int) Math.ceil(0.50 * sorted.length) - 1)],
      sorted[Math.max(0, (int) Math.ceil(0.95 * sorted.length) - 1)]
    };
  }
}

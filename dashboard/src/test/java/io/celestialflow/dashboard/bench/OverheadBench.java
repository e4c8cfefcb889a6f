package io.celestialflow.dashboard.bench;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.dashboard.Dashboard;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the dashboard costs the engine: the same run of a 3-stage chain of trivial tasks, without a
 * dashboard, with a dashboard and one browser's worth of clients (an event stream plus the page's
 * run-list poll), and with ten; rounds interleaved in one JVM, medians compared. Tagged {@code
 * bench}: not part of the default build. Run it with
 *
 * <pre>
 * mvn -B -ntp -pl web-assets,dashboard -am verify -Ddashboard.excludedGroups= -Dgroups=bench \
 *     -Dtest='io/celestialflow/dashboard/bench/*' -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dbench.tasks=20000000 -Dbench.rounds=5]
 * </pre>
 */
@Tag("bench")
@Timeout(1800)
class OverheadBench {
  private static final int TASKS = Integer.getInteger("bench.tasks", 20_000_000);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

  private static TaskGraph chain() {
    TaskStage<Integer, Integer> a =
        TaskStage.<Integer, Integer>map("a", x -> x + 1).taskType(Integer.class).build();
    TaskStage<Integer, Integer> b =
        TaskStage.<Integer, Integer>map("b", x -> x * 2).taskType(Integer.class).build();
    TaskStage<Integer, Integer> c =
        TaskStage.<Integer, Integer>map("c", x -> x - 1).taskType(Integer.class).build();
    return TaskGraph.builder("bench").stages(a, b, c).edge(a, b).edge(b, c).build();
  }

  @Test
  void dashboardOverhead() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    double[][] rates = new double[3][ROUNDS];
    double[][] shares = new double[3][ROUNDS];
    try (TaskGraph graph = chain();
        Dashboard dashboard = Dashboard.start()) {
      run(graph, null, 0, http); // warm-up
      run(graph, dashboard, 1, http);
      for (int round = 0; round < ROUNDS; round++) {
        int[] clients = {0, 1, 10};
        for (int c = 0; c < 3; c++) {
          long[] before = cpu();
          rates[c][round] = run(graph, c == 0 ? null : dashboard, clients[c], http);
          long[] after = cpu();
          shares[c][round] = (after[0] - before[0]) / (double) Math.max(1, after[1] - before[1]);
        }
      }
    }
    double base = median(rates[0]);
    System.out.printf(
        Locale.ROOT,
        "%nDashboard overhead, %,d trivial tasks through 3 stages, %d rounds (%d cores)%n",
        TASKS,
        ROUNDS,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-36s %14s %9s %11s%n",
        "configuration",
        "tasks/s (med)",
        "overhead",
        "server CPU");
    String[] names = {
      "no dashboard", "dashboard, 1 browser (1 stream)", "dashboard, 10 browsers (10 streams)"
    };
    for (int i = 0; i < 3; i++) {
      double m = median(rates[i]);
      System.out.printf(
          Locale.ROOT,
          "%-36s %,14.0f %8.1f%% %10.2f%%   rounds: %s%n",
          names[i],
          m,
          100 * (1 - m / base),
          100 * median(shares[i]),
          Arrays.toString(Arrays.stream(rates[i]).mapToLong(Math::round).toArray()));
    }
    System.out.println(
        "server CPU: CPU time of the dashboard's threads (Undertow/XNIO, the sampler) as a share of"
            + " the process's CPU time during the run (the clients' threads are in the process)");
  }

  private static double run(TaskGraph graph, Dashboard dashboard, int clients, HttpClient http)
      throws Exception {
    RunBuilder b =
        graph
            .newRun()
            .discardOutputs()
            .input("a", (Iterable<Integer>) () -> IntStream.range(0, TASKS).boxed().iterator());
    if (dashboard != null) {
      dashboard.attach(b);
    }
    GraphRun run = b.start();
    List<InputStream> streams = new ArrayList<>();
    Thread poller = null;
    if (dashboard != null) {
      URI base = URI.create("http://127.0.0.1:" + dashboard.port() + "/");
      for (int i = 0; i < clients; i++) {
        streams.add(open(http, base.resolve("api/runs/" + run.runId() + "/events")));
      }
      for (InputStream s : streams) {
        Thread drain = new Thread(() -> drain(s));
        drain.setDaemon(true);
        drain.start();
      }
      poller = new Thread(() -> poll(http, base, clients, run));
      poller.setDaemon(true);
      poller.start();
    }
    GraphResult result = run.await();
    if (poller != null) {
      poller.interrupt();
    }
    for (InputStream s : streams) {
      s.close();
    }
    return TASKS / (result.elapsed().toNanos() / 1e9);
  }

  private static InputStream open(HttpClient http, URI uri)
      throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream())
        .body();
  }

  private static void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // a browser reads every event
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** What each open page also does: list the runs every 2 s. */
  private static void poll(HttpClient http, URI base, int pages, GraphRun run) {
    try {
      while (!run.isDone()) {
        for (int i = 0; i < pages; i++) {
          http.send(
              HttpRequest.newBuilder(base.resolve("api/runs"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
        }
        Thread.sleep(2000);
      }
    } catch (IOException | InterruptedException e) {
      // done
    }
  }

  /** CPU nanoseconds of the dashboard's threads, and of this whole process. */
  private static long[] cpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long server = 0;
    for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      long ns = mx.getThreadCpuTime(t.getThreadId());
      if (ns < 0) {
        continue;
      }
      String name = t.getThreadName();
      if (name.startsWith("XNIO-") || name.startsWith("celestialflow-dashboard")) {
        server += ns;
      }
    }
    long process =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    return new long[] {server, process};
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}

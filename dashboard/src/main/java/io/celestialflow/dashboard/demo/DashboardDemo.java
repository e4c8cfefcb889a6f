package io.celestialflow.dashboard.demo;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.dashboard.Dashboard;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link DemoPipeline} for a while with the dashboard on: prints {@code Dashboard:
 * http://127.0.0.1:PORT/}, feeds a new seed page every 250 ms for 45 s (the run is kept open, so
 * tasks can also be injected from the page), then keeps serving until Ctrl-C.
 *
 * <pre>
 * java -cp "dashboard/target/celestialflow-dashboard-VERSION.jar:dashboard/target/lib/*" \
 *     io.celestialflow.dashboard.demo.DashboardDemo [--seconds N] [--port P] [--exit]
 * </pre>
 */
public final class DashboardDemo {
  private DashboardDemo() {}

  /**
   * Runs the demo.
   *
   * @param args {@code --seconds N} (default 45), {@code --port P} (default: a free one), {@code
   *     --exit} to stop when the run ends instead of serving until Ctrl-C
   * @throws InterruptedException if interrupted while feeding
   */
  public static void main(String[] args) throws InterruptedException {
    int seconds = 45;
    int port = 0;
    boolean exit = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--exit" -> exit = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    try (TaskGraph graph = DemoPipeline.graph(1.0);
        Dashboard dashboard = Dashboard.builder().port(port).start()) {
      System.out.println("Dashboard: " + dashboard.url());
      System.out.printf(
          "Crawling a simulated site for %d s: open the address above to watch it.%n", seconds);
      GraphRun run = dashboard.attach(graph.newRun().keepOpen().discardOutputs()).start();
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      for (int n = 1; System.nanoTime() < end && !run.isDone(); n++) {
        run.inject("fetch", new DemoPipeline.Page("https://site-" + n + ".example", 0));
        Thread.sleep(250);
      }
      run.closeInputs();
      GraphResult result = run.await();
      System.out.println(result);
      if (!exit) {
        System.out.println("The run has ended; the dashboard keeps serving until Ctrl-C.");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
    }
  }
}

package io.celestialflow.dashboard;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone dashboard: one process that graphs in other JVMs, on this machine or others,
 * report to with a {@link DashboardReporter} (or a generated runner's {@code --dashboard-report URL
 * --dashboard-token TOKEN}). It lists every run it has seen.
 *
 * <pre>
 * java -jar dashboard/target/celestialflow-dashboard-VERSION.jar [--host ADDR] [--port PORT]
 *      [--token TOKEN] [--read-only] [--interval MS] [--max-runs N]
 * </pre>
 *
 * It always requires a token (generated unless given) and prints the page's address with it, then
 * serves until Ctrl-C.
 */
public final class DashboardMain {
  /** The port unless given. */
  public static final int DEFAULT_PORT = 8321;

  private DashboardMain() {}

  /**
   * Starts the standalone dashboard and serves until the process is stopped.
   *
   * @param args the command line
   */
  @SuppressWarnings("SystemExitOutsideMain")
  public static void main(String[] args) {
    Dashboard dashboard;
    try {
      dashboard = start(List.of(args), System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(usage());
      System.exit(2);
      return;
    }
    if (dashboard == null) {
      return;
    }
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dashboard.close();
                  closed.countDown();
                },
                "celestialflow-dashboard-shutdown"));
    DashboardLauncherExtension.awaitQuietly(closed, null);
  }

  /**
   * Parses the command line and starts the dashboard; prints its address and how reporters reach
   * it.
   *
   * @param args the command line
   * @param out where to print
   * @return the dashboard, or null after {@code --help}
   * @throws IllegalArgumentException for a bad command line
   */
  static @org.jspecify.annotations.Nullable Dashboard start(List<String> args, PrintStream out) {
    Dashboard.Builder b = Dashboard.builder().port(DEFAULT_PORT).maxRuns(500);
    String token = null;
    String host = "127.0.0.1";
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      boolean flag = name.equals("--read-only") || name.equals("--help");
      String value = null;
      if (!flag) {
        if (a.contains("=")) {
          value = a.substring(a.indexOf('=') + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new IllegalArgumentException(name + " needs a value");
        }
      }
      switch (name) {
        case "--help" -> {
          out.print(usage());
          return null;
        }
        case "--read-only" -> b.readOnly();
        case "--host" -> host = String.valueOf(value);
        case "--port" -> b.port(number(name, value));
        case "--token" -> token = String.valueOf(value);
        case "--interval" -> b.updateInterval(Duration.ofMillis(number(name, value)));
        case "--max-runs" -> b.maxRuns(number(name, value));
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    b.host(host);
    b.token(token != null ? token : Dashboard.newToken());
    Dashboard dashboard = b.start();
    String tokenText = dashboard.token().orElseThrow();
    out.println("Dashboard: " + dashboard.url());
    out.println(
        "Report runs here with: --dashboard-report http://"
            + (host.equals("0.0.0.0") ? "<this host>" : host)
            + ":"
            + dashboard.port()
            + "/ --dashboard-token "
            + tokenText);
    out.flush();
    return dashboard;
  }

  private static int number(String option, @org.jspecify.annotations.Nullable String value) {
    try {
      return Integer.parseInt(String.valueOf(value).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, not '" + value + "'", e);
    }
  }

  static String usage() {
    return String.join(
        System.lineSeparator(),
        "usage: java -jar celestialflow-dashboard.jar [options]",
        "Serves the CelestialFlow dashboard for runs reported from other JVMs.",
        "  --host ADDR      address to bind (default 127.0.0.1; 0.0.0.0 for every interface)",
        String.format(
            Locale.ROOT, "  --port PORT      port (default %d; 0 for a free one)", DEFAULT_PORT),
        "  --token TOKEN    the token requests need (default: generated and printed)",
        "  --read-only      show runs without controls",
        "  --interval MS    update interval (default 500)",
        "  --max-runs N     runs listed before the oldest ended ones are forgotten (default 500)",
        "  --help           print this message",
        "");
  }
}

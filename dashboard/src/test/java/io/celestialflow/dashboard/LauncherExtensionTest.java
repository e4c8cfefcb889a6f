package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import io.celestialflow.TaskGraph;
import io.celestialflow.launch.GraphLauncher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --dashboard}, {@code --dashboard=PORT} and {@code --keep-dashboard} through the launcher.
 */
@Timeout(30)
class LauncherExtensionTest {
  private static final Pattern LINE =
      Pattern.compile("^Dashboard: http://127\\.0\\.0\\.1:(\\d+)/$", Pattern.MULTILINE);
  private final TaskGraph graph = Graphs.numbers("launched");
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  @AfterEach
  void stop() {
    graph.close();
  }

  private int launch(String... args) {
    return GraphLauncher.of(LauncherExtensionTest.class, graph)
        .input("double", Integer.class)
        .run(List.of(args), out, err);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void dashboardPrintsExactlyOneLineWithItsAddressAndStopsAfterTheRun() {
    int status = launch("--dashboard", "--input", "double=[1,2,3]");

    assertThat(status).as(err()).isZero();
    List<String> lines = err().lines().filter(l -> l.startsWith("Dashboard")).toList();
    assertThat(lines).hasSize(1);
    Matcher m = LINE.matcher(err());
    assertThat(m.find()).isTrue();
    int port = Integer.parseInt(m.group(1));
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("\"sink\":[");
    assertThat(listening(port)).isFalse();
  }

  @Test
  void dashboardOnAGivenPort() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    assertThat(launch("--dashboard=" + port, "--input", "double=[4]")).isZero();
    assertThat(err()).contains("Dashboard: http://127.0.0.1:" + port + "/");
  }

  @Test
  void badPortIsAUsageError() {
    assertThat(launch("--dashboard=http", "--input", "double=[4]")).isEqualTo(2);
    assertThat(err()).contains("--dashboard=PORT needs a port number, not 'http'");
  }

  @Test
  void helpListsTheOptions() {
    assertThat(launch("--help")).isZero();
    assertThat(outBytes.toString(StandardCharsets.UTF_8))
        .contains("--dashboard[=PORT]")
        .contains("--keep-dashboard")
        .contains("--dashboard-report URL");
  }

  @Test
  void keepDashboardServesAfterTheRunUntilStopped() throws Exception {
    AtomicInteger status = new AtomicInteger(-1);
    Thread launcher =
        new Thread(() ->
            status.set(launch("--dashboard", "--keep-dashboard", "--input", "double=[1,2,3,4]")));
    launcher.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> LINE.matcher(err()).find());
      Matcher m = LINE.matcher(err());
      assertThat(m.find()).isTrue();
      int port = Integer.parseInt(m.group(1));
      Client client = new Client(URI.create("http://127.0.0.1:" + port + "/"), null);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> {
            JsonArray runs = client.getJson("api/runs").getAsJsonArray();
            return runs.size() == 1
                && runs.get(0).getAsJsonObject().get("state").getAsString().equals("COMPLETED");
          });
      assertThat(err()).contains("COMPLETED"); // the run's summary: the run is over
      Thread.sleep(300); // still serving a moment later
      assertThat(launcher.isAlive()).isTrue();
      assertThat(client.get("api/runs").status()).isEqualTo(200);

      launcher.interrupt(); // what Ctrl-C's shutdown hook does: release the launcher
      launcher.join(10_000);
      assertThat(launcher.isAlive()).isFalse();
      assertThat(status.get()).isZero();
      assertThat(listening(port)).isFalse();
    } finally {
      launcher.interrupt();
      launcher.join(10_000);
    }
  }

  @Test
  void openInputsLetThePageFeedTheRunUntilItClosesThem() throws Exception {
    AtomicInteger status = new AtomicInteger(-1);
    Thread launcher =
        new Thread(() ->
            status.set(launch("--dashboard", "--dashboard-open-inputs", "--input", "double=[1]")));
    launcher.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> LINE.matcher(err()).find());
      Matcher m = LINE.matcher(err());
      assertThat(m.find()).isTrue();
      Client client = new Client(URI.create("http://127.0.0.1:" + m.group(1) + "/"), null);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.getJson("api/runs").getAsJsonArray().size() == 1);
      String id =
          client
              .getJson("api/runs")
              .getAsJsonArray()
              .get(0)
              .getAsJsonObject()
              .get("runId")
              .getAsString();
      Client.Response injected =
          client.post("api/runs/" + id + "/inject", "{\"stage\":\"double\",\"tasks\":[20,30]}");
      assertThat(injected.status()).as(injected.body()).isEqualTo(200);
      Thread.sleep(200);
      assertThat(launcher.isAlive()).as("the run waits for its inputs to be closed").isTrue();
      assertThat(client.post("api/runs/" + id + "/close-inputs", "{}").status()).isEqualTo(200);
      launcher.join(10_000);
      assertThat(status.get()).isZero();
      assertThat(outBytes.toString(StandardCharsets.UTF_8))
          .contains("2")
          .contains("40")
          .contains("60");
    } finally {
      launcher.interrupt();
      launcher.join(10_000);
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 2000);
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }
}

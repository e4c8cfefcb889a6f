package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.dashboard.history.FailureHistoryProvider;
import io.celestialflow.dashboard.internal.Services;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without {@code celestialflow-store} on the class path — the dashboard's store adapter declared in
 * its jar cannot load — the lookup skips it and the dashboard keeps failures in memory, as before.
 * The test class path minus the store and SQLite goes to a class loader of its own, where {@link
 * #inMemoryOnly()} runs a dashboard.
 */
@Timeout(60)
class WithoutStoreTest {
  @Test
  void withoutTheStoreTheDashboardKeepsTheNewestFailuresInMemory() throws Exception {
    String path =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    List<String> left = new ArrayList<>();
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      String normal = entry.replace('\\', '/');
      if (normal.contains("/store/target/")
          || normal.contains("celestialflow-store")
          || normal.contains("sqlite-jdbc")) {
        left.add(entry);
        continue;
      }
      urls.add(Path.of(entry).toUri().toURL());
    }
    assertThat(left).as("the store is on the test class path: %s", path).isNotEmpty();
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName("io.celestialflow.store.RunStore", false, loader))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> isolated = Class.forName(WithoutStoreTest.class.getName(), true, loader);
      assertThat(isolated).isNotSameAs(WithoutStoreTest.class);
      java.lang.reflect.Method run = isolated.getDeclaredMethod("inMemoryOnly");
      run.setAccessible(true); // another loader's copy of this package-private class
      Object report = run.invoke(null);
      assertThat(report).isEqualTo("connector=none providers=1 searchable=5 total=14");
    }
  }

  @Test
  void withTheStoreTheConnectorIsFound() {
    assertThat(Services.storeConnector()).isPresent();
  }

  /** Runs in the class loader without the store: a run with 14 failures, 5 kept in memory. */
  static String inMemoryOnly() {
    boolean connector = Services.storeConnector().isPresent();
    int providers =
        Services.load(FailureHistoryProvider.class).size(); // the tests' MillionFailures
    TaskGraph graph = Graphs.failing();
    try (Dashboard dashboard = Dashboard.builder().failuresPerRun(5).start()) {
      Client client = new Client(dashboard);
      GraphRun run =
          dashboard
              .attach(graph.newRun().input("check", IntStream.rangeClosed(1, 30).boxed().toList()))
              .start();
      run.await();
      // 1..30: ten multiples of three, four other multiples of five
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> failures(client, run).get("total").getAsLong() == 14);
      JsonObject page = failures(client, run);
      return "connector="
          + (connector ? "found" : "none")
          + " providers="
          + providers
          + " searchable="
          + page.get("searchable").getAsLong()
          + " total="
          + page.get("total").getAsLong();
    } finally {
      graph.close();
    }
  }

  private static JsonObject failures(Client client, GraphRun run) {
    return client.getJson("api/runs/" + run.runId() + "/failures").getAsJsonObject();
  }
}

package io.celestialflow.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.dashboard.store.StoreHistory;
import io.celestialflow.store.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's error log over a run store, in a real headless Chromium: the oldest of 2,800 stored
 * failures — long gone from memory — is found, its stack trace shown, and it is retried.
 */
@Tag("browser")
@Timeout(90)
class StorePageTest {
  @TempDir Path dir;

  @Test
  void theErrorLogFindsShowsAndRetriesAStoredFailure() {
    TaskGraph graph = StoreHistoryTest.graph("stored-page");
    try (RunStore store = RunStore.open(dir);
        Dashboard dashboard =
            Dashboard.builder()
                .updateInterval(Duration.ofMillis(200))
                .history(StoreHistory.of(store))
                .start();
        Chromium chromium = Chromium.launch();
        Chromium.Session session = chromium.open(dashboard.url())) {
      PlaywrightAssertions.setDefaultAssertionTimeout(10_000);
      GraphRun run =
          dashboard
              .attach(
                  store
                      .newRun(graph)
                      .keepOpen()
                      .input("check", IntStream.rangeClosed(1, 6_000).boxed().toList()))
              .start();
      Client client = new Client(dashboard);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() ->
              client
                      .getJson("api/runs/" + run.runId() + "/failures?size=1")
                      .getAsJsonObject()
                      .get("searchable")
                      .getAsLong()
                  == 2_800);
      Page page = session.page();
      page.navigate(dashboard.url().toString());
      assertThat(page.locator("body[data-ready=true]")).hasCount(1);
      page.locator(".tab[data-tab=\"errors\"]").click();
      page.locator("#error-search input[name=q]").fill("three (3)");
      page.locator("#error-search button[type=submit]").click();
      assertThat(page.locator("#error-rows tr")).hasCount(1);
      assertThat(page.locator("#error-meta")).containsText("1 matching");
      assertThat(page.locator("#error-meta")).containsText("2,800 searchable");

      Locator row = page.locator("#error-rows tr").first();
      assertThat(row.locator("td.message")).hasText("multiple of three (3)");
      row.locator("button", new Locator.LocatorOptions().setHasText("Trace")).click();
      assertThat(page.locator("#error-rows tr.trace pre"))
          .containsText("java.lang.IllegalArgumentException: multiple of three (3)");
      long before = run.status().stats("out").succeeded();
      row.locator("button", new Locator.LocatorOptions().setHasText("Retry")).click();
      assertThat(page.locator(".toast").last()).hasText("retrying 1 failed task");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> run.status().stats("out").succeeded() == before + 1);
      run.closeInputs();
      run.await();
      assertThat(session.blocked()).as("requests to other origins").isEmpty();
      assertThat(session.errors()).as("page errors").isEmpty();
    } finally {
      graph.close();
    }
  }
}

package io.celestialflow.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.dashboard.demo.DemoPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The page in a real headless Chromium against real running graphs: cards move, the topology
 * renders, injected tasks flow through, failures are found, retried and shown as text, themes and
 * languages switch, card order persists, and nothing is requested from any other origin.
 */
@Tag("browser")
@Timeout(90)
class PageTest {
  private static Chromium chromium;
  private Dashboard dashboard;
  private Chromium.Session session;
  private Page page;
  private TaskGraph graph;
  private GraphRun run;

  @BeforeAll
  static void launch() {
    chromium = Chromium.launch();
    PlaywrightAssertions.setDefaultAssertionTimeout(10_000);
  }

  @AfterAll
  static void quit() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @BeforeEach
  void start() {
    dashboard = Dashboard.builder().updateInterval(Duration.ofMillis(200)).start();
    session = chromium.open(dashboard.url());
    page = session.page();
  }

  @AfterEach
  void stop() {
    session.close();
    if (run != null && !run.isDone()) {
      run.cancel();
    }
    if (graph != null) {
      graph.close();
    }
    dashboard.close();
    assertThat(session.blocked()).as("requests to other origins").isEmpty();
    assertThat(session.errors()).as("page errors").isEmpty();
  }

  private GraphRun startKeptOpen(TaskGraph g) {
    graph = g;
    run = dashboard.attach(g.newRun().keepOpen()).start();
    return run;
  }

  private void open() {
    page.navigate(dashboard.url().toString());
    assertThat(page.locator("body[data-ready=true]")).hasCount(1);
    assertThat(page.locator(".stage-card").first()).isVisible();
  }

  private Locator card(String stage) {
    return page.locator(".stage-card[data-stage=\"" + stage + "\"]");
  }

  private Locator figure(String stage, String fig) {
    return card(stage).locator("[data-fig=\"" + fig + "\"] .v");
  }

  private void tab(String name) {
    page.locator(".tab[data-tab=\"" + name + "\"]").click();
  }

  @Test
  void theCardsMoveLiveAndTheSummaryFollows() {
    GraphRun r = startKeptOpen(Graphs.numbers("live"));
    open();
    assertThat(page.locator(".stage-card")).hasCount(2);
    assertThat(card("double").locator(".badge").nth(2)).hasText("THREAD x2");
    assertThat(figure("sink", "succeeded")).hasText("0");
    for (int i = 0; i < 5; i++) {
      r.inject("double", i);
    }
    assertThat(figure("sink", "succeeded")).hasText("5");
    assertThat(figure("double", "received")).hasText("5");
    for (int i = 0; i < 7; i++) {
      r.inject("double", i);
    }
    assertThat(figure("sink", "succeeded")).hasText("12");
    assertThat(page.locator("#summary [data-fig=\"completed\"] .v")).hasText("24");
    assertThat(page.locator("#runs li")).hasCount(1);
    r.closeInputs();
    assertThat(page.locator("#summary .badge").first()).hasText("completed");
    assertThat(page.locator("#cancel-run")).isDisabled();
  }

  @Test
  void theTopologyRendersLayersCyclesAndLiveCounts() {
    GraphRun r = startKeptOpen(Graphs.loop());
    r.inject("a", 4);
    open();
    tab("topology");
    assertThat(page.locator("#topology svg g.node")).hasCount(3);
    assertThat(page.locator("#topology g.node.kind-ROUTER")).hasCount(1);
    assertThat(page.locator("#topology g.node.kind-CONSUMER")).hasCount(1);
    assertThat(page.locator("#topology path.edge.cyclic")).hasCount(2);
    assertThat(page.locator("#topology path.edge:not(.cyclic)")).hasCount(1);
    assertThat(page.locator("#topology rect.scc")).hasCount(1);
    assertThat(page.locator("#topology g.node[data-stage=\"end\"] text.counts"))
        .hasText("✓1  ✗0  ≡0");
    r.inject("a", 0);
    assertThat(page.locator("#topology g.node[data-stage=\"end\"] text.counts"))
        .hasText("✓2  ✗0  ≡0");
  }

  @Test
  void anInjectedTaskFlowsThroughAndABadOneShowsTheReason() {
    startKeptOpen(Graphs.points());
    open();
    tab("inject");
    page.locator("#inject-stage").selectOption("points");
    page.locator("#inject-json").fill("{\"x\": 3, \"y\": 4}");
    page.locator("#inject-form button[type=submit]").click();
    assertThat(page.locator("#inject-result")).hasText("injected 1 task into stage 'points'");
    tab("overview");
    assertThat(figure("norm", "succeeded")).hasText("1");

    tab("inject");
    page.locator("#inject-json").fill("{\"x\": 3}");
    page.locator("#inject-form button[type=submit]").click();
    assertThat(page.locator("#inject-result")).containsText("missing field 'y' (int)");
    assertThat(page.locator("#inject-result")).hasClass("result bad");
    page.locator("#inject-json").fill("{x: 3}");
    page.locator("#inject-form button[type=submit]").click();
    assertThat(page.locator("#inject-result")).containsText("Not valid JSON");
    page.locator("#inject-many").check();
    page.locator("#inject-json").fill("[{\"x\": 1, \"y\": 1}, {\"x\": 2, \"y\": 2}]");
    page.locator("#inject-form button[type=submit]").click();
    assertThat(page.locator("#inject-result")).hasText("injected 2 tasks into stage 'points'");
    tab("overview");
    assertThat(figure("norm", "succeeded")).hasText("3");
  }

  /** A stage name that is markup: it must show as text everywhere. */
  private static final String OUT = "<img src=x onerror=window.__xss=3>";

  /** check fails the first attempt of every value with a message that quotes the value. */
  private static TaskGraph firstAttemptsFail() {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    TaskStage<String, String> check =
        TaskStage.<String, String>map(
                "check",
                s -> {
                  if (seen.add(s)) {
                    throw new IllegalStateException("first attempt of " + s);
                  }
                  return s;
                })
            .taskType(String.class)
            .build();
    TaskStage<String, String> out =
        TaskStage.<String, String>map(OUT, s -> s).taskType(String.class).build();
    return TaskGraph.builder("xss-<b>bold</b>").stages(check, out).edge(check, out).build();
  }

  @Test
  void failuresAreFoundRetriedAndScriptPayloadsStayText() {
    GraphRun r = startKeptOpen(firstAttemptsFail());
    String script = "<script>window.__xss = 1</script>";
    String img = "<img src=x onerror=\"window.__xss = 2\">";
    for (String s : List.of(script, img, "plain-1", "plain-2")) {
      r.inject("check", s);
    }
    open();
    assertThat(page.locator(".summary h2")).hasText("xss-<b>bold</b>");
    tab("errors");
    assertThat(page.locator("#error-rows tr")).hasCount(4);
    assertThat(
            page.locator(
                "#error-rows td.message",
                new Page.LocatorOptions().setHasText("first attempt of " + script)))
        .hasCount(1);
    assertThat(page.locator("#error-rows td.message", new Page.LocatorOptions().setHasText(img)))
        .hasCount(1);
    assertThat(page.locator("#error-rows script, #error-rows img, #summary b")).hasCount(0);
    assertThat(page.evaluate("() => window.__xss === undefined")).isEqualTo(true);

    page.locator("#error-search input[name=q]").fill("plain");
    page.locator("#error-search button[type=submit]").click();
    assertThat(page.locator("#error-rows tr")).hasCount(2);
    assertThat(page.locator("#error-meta")).containsText("2 matching");
    page.locator("#error-search input[name=q]").fill("");
    page.locator("#error-search input[name=type]").fill("IllegalStateException");
    page.locator("#error-search select[name=stage]").selectOption("check");
    page.locator("#error-search button[type=submit]").click();
    assertThat(page.locator("#error-rows tr")).hasCount(4);

    Locator plain1 =
        page.locator("#error-rows tr", new Page.LocatorOptions().setHasText("plain-1"));
    plain1.locator("button", new Locator.LocatorOptions().setHasText("Trace")).click();
    assertThat(page.locator("#error-rows tr.trace pre"))
        .containsText("java.lang.IllegalStateException: first attempt of plain-1");
    plain1.locator("button", new Locator.LocatorOptions().setHasText("Retry")).click();
    assertThat(page.locator(".toast").last()).hasText("retrying 1 failed task");
    tab("overview");
    assertThat(figure(OUT, "succeeded")).hasText("1");
    assertThat(card(OUT).locator(".name")).hasText(OUT);

    tab("errors");
    page.locator("#error-rows tr", new Page.LocatorOptions().setHasText("plain-2"))
        .locator("button", new Locator.LocatorOptions().setHasText("Edit & inject"))
        .click();
    assertThat(page.locator("#tab-inject")).isVisible();
    assertThat(page.locator("#inject-json")).hasValue("\"plain-2\"");
    assertThat(page.locator("#inject-stage")).hasValue("check");
    page.locator("#inject-form button[type=submit]").click();
    assertThat(page.locator("#inject-result")).hasText("injected 1 task into stage 'check'");
    tab("overview");
    assertThat(figure(OUT, "succeeded")).hasText("2");
    tab("topology");
    assertThat(page.locator("#topology g.node").nth(1).locator("text").first())
        .hasText("<img src=x onerror=wi…");
    assertThat(page.locator("#topology img, #cards img, #runs img, select img")).hasCount(0);
    assertThat(page.evaluate("() => window.__xss === undefined")).isEqualTo(true);
  }

  @Test
  void themeLanguageAndSettingsSwitchAndAreKept() {
    startKeptOpen(Graphs.numbers("prefs"));
    open();
    assertThat(page.locator("html")).hasAttribute("data-theme", "dark");
    page.locator("#theme-toggle").click();
    assertThat(page.locator("html")).hasAttribute("data-theme", "light");
    page.locator("#lang-toggle").click();
    assertThat(page.locator(".tab[data-tab=overview]")).hasText("概览");
    assertThat(card("double").locator("[data-fig=succeeded] .k")).hasText("成功");
    assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");

    page.locator("#settings-open").click();
    page.locator("#settings-form input[name=pageSize]").fill("5");
    page.locator("#settings-form input[name=interval]").fill("1000");
    page.locator("#settings-save").click();
    assertThat(page.locator("#settings")).not().isVisible();

    page.reload();
    assertThat(page.locator("body[data-ready=true]")).hasCount(1);
    assertThat(page.locator("html")).hasAttribute("data-theme", "light");
    assertThat(page.locator(".tab[data-tab=errors]")).hasText("错误");
    Object saved =
        page.evaluate("() => JSON.parse(localStorage.getItem('celestialflow.settings'))");
    assertThat(saved.toString())
        .contains("pageSize=5")
        .contains("interval=1000")
        .contains("lang=zh");
    page.locator("#lang-toggle").click();
    assertThat(page.locator(".tab[data-tab=overview]")).hasText("Overview");
  }

  @Test
  void cardsReorderByDraggingAndKeepTheirOrder() {
    startKeptOpen(Graphs.numbers("reorder"));
    open();
    assertThat(page.locator(".stage-card").first()).hasAttribute("data-stage", "double");
    card("sink").dragTo(card("double"), new Locator.DragToOptions().setTargetPosition(5, 30));
    assertThat(page.locator(".stage-card").first()).hasAttribute("data-stage", "sink");
    page.reload();
    assertThat(page.locator(".stage-card").first()).hasAttribute("data-stage", "sink");
    assertThat(page.locator(".stage-card").nth(1)).hasAttribute("data-stage", "double");
  }

  @Test
  void theDemoPipelineLooksRightForTheReadme() throws InterruptedException {
    graph = io.celestialflow.dashboard.demo.DemoPipeline.graph(1.0);
    run = dashboard.attach(graph.newRun().keepOpen().discardOutputs()).start();
    GraphRun demo = run;
    Thread feeder =
        new Thread(() -> {
          for (int i = 0; i < 400 && !demo.isDone(); i++) {
            try {
              demo.inject("fetch", new DemoPipeline.Page("https://site-" + i + ".example", 0));
              Thread.sleep(25);
            } catch (InterruptedException | RuntimeException e) {
              return;
            }
          }
        });
    feeder.start();
    try {
      open();
      assertThat(figure("index", "succeeded")).not().hasText("0");
      page.waitForTimeout(3000);
      Path dir = Path.of("target", "screenshots");
      page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve("dashboard.png")));
      tab("topology");
      assertThat(page.locator("#topology g.node")).hasCount(6);
      page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve("topology.png")));
      tab("charts");
      page.waitForTimeout(1200);
      page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve("charts.png")));
      tab("errors");
      assertThat(page.locator("#error-rows tr").first()).isVisible();
      page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve("errors.png")));
      page.locator("#theme-toggle").click();
      tab("overview");
      page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve("light.png")));
    } finally {
      feeder.interrupt();
      feeder.join(5000);
      run.cancel();
    }
  }
}

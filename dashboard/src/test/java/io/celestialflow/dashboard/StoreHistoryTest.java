package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.dashboard.store.StoreHistory;
import io.celestialflow.launch.GraphLauncher;
import io.celestialflow.store.RecordOptions;
import io.celestialflow.store.RunStore;
import io.celestialflow.store.StatsSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard with a run store: error search, paging, counts, stack traces and retry over every
 * stored failure — more than the in-memory history keeps — and charts from the stored snapshots;
 * through the API and through the launcher's {@code --store} with {@code --dashboard}.
 */
@Timeout(60)
class StoreHistoryTest {
  /** Tasks per run: 2,000 multiples of three and 800 other multiples of five fail. */
  private static final int TASKS = 6_000;

  private static final int THREES = 2_000;
  private static final int FIVES = 800;

  @TempDir Path dir;

  /**
   * check → out; in check, multiples of 3 fail with IllegalArgumentException and other multiples of
   * 5 with IOException — the first time each value is seen; run again, they pass.
   */
  static TaskGraph graph(String name) {
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    TaskStage<Integer, Integer> check =
        TaskStage.<Integer, Integer>map(
                "check",
                x -> {
                  if (seen.add(x)) {
                    if (x % 3 == 0) {
                      throw new IllegalArgumentException("multiple of three (" + x + ")");
                    }
                    if (x % 5 == 0) {
                      throw new IOException("multiple of five (" + x + ")");
                    }
                  }
                  return x;
                })
            .taskType(Integer.class)
            .build();
    TaskStage<Integer, Integer> out =
        TaskStage.<Integer, Integer>map("out", x -> x).taskType(Integer.class).build();
    return TaskGraph.builder(name).stages(check, out).edge(check, out).build();
  }

  private static long expected(IntPredicate p) {
    return IntStream.rangeClosed(1, TASKS).filter(p).count();
  }

  private static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static JsonObject page(Client client, String runId, String query) {
    return client.getJson("api/runs/" + runId + "/failures?" + query).getAsJsonObject();
  }

  private static List<String> messages(JsonObject page) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : page.getAsJsonArray("items")) {
      out.add(e.getAsJsonObject().get("message").getAsString());
    }
    return out;
  }

  @Test
  void errorLogSearchesCountsAndRetriesEveryStoredFailureBeyondTheMemoryCap() {
    TaskGraph graph = graph("stored");
    try (RunStore store = RunStore.open(dir);
        Dashboard dashboard =
            Dashboard.builder()
                .failuresPerRun(10)
                .updateInterval(Duration.ofMillis(100))
                .history(StoreHistory.of(store))
                .start()) {
      Client client = new Client(dashboard);
      RecordOptions options = RecordOptions.defaults().withStatsInterval(Duration.ofMillis(50));
      GraphRun run =
          dashboard
              .attach(
                  store
                      .newRun(graph, options)
                      .keepOpen()
                      .input("check", IntStream.rangeClosed(1, TASKS).boxed().toList()))
              .start();
      String id = run.runId();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> page(client, id, "size=1").get("searchable").getAsLong() == THREES + FIVES);

      // every failure is searchable, far beyond what memory keeps; the counts are exact
      JsonObject all = page(client, id, "size=1");
      assertThat(all.get("total").getAsLong()).isEqualTo(THREES + FIVES);
      assertThat(all.get("matched").getAsLong()).isEqualTo(THREES + FIVES);
      assertThat(all.getAsJsonObject("byStage").get("check").getAsLong()).isEqualTo(THREES + FIVES);
      JsonObject byType = all.getAsJsonObject("byType");
      assertThat(byType.get("java.lang.IllegalArgumentException").getAsLong()).isEqualTo(THREES);
      assertThat(byType.get("java.io.IOException").getAsLong()).isEqualTo(FIVES);

      // text search, server-side, with paging: page 3 of the IOExceptions
      JsonObject fives = page(client, id, "q=" + q("multiple of five") + "&page=3&size=50");
      assertThat(fives.get("matched").getAsLong()).isEqualTo(FIVES);
      assertThat(fives.get("page").getAsInt()).isEqualTo(3);
      assertThat(messages(fives)).hasSize(50).allMatch(m -> m.startsWith("multiple of five ("));
      // newest first: page 3 holds the 101st to 150th newest
      List<Integer> fiveValues =
          IntStream.rangeClosed(1, TASKS)
              .filter(x -> x % 5 == 0 && x % 3 != 0)
              .boxed()
              .sorted((a, b) -> b - a)
              .toList();
      assertThat(messages(fives).get(0))
          .isEqualTo("multiple of five (" + fiveValues.get(100) + ")");

      // type by simple name (class or superclass), stage, text and time together
      assertThat(page(client, id, "type=IOException").get("matched").getAsLong()).isEqualTo(FIVES);
      assertThat(page(client, id, "type=RuntimeException").get("matched").getAsLong())
          .isEqualTo(THREES);
      assertThat(page(client, id, "type=java.lang.Exception").get("matched").getAsLong())
          .isEqualTo(THREES + FIVES);
      assertThat(page(client, id, "type=NoSuchType").get("matched").getAsLong()).isZero();
      long nineNines = expected(x -> x % 3 == 0 && Integer.toString(x).contains("99"));
      JsonObject combined =
          page(
              client,
              id,
              "stage=check&type=IllegalArgumentException&q=99&from=0&to="
                  + Instant.now().plusSeconds(60).toEpochMilli()
                  + "&size=7");
      assertThat(combined.get("matched").getAsLong()).isEqualTo(nineNines);
      assertThat(messages(combined)).hasSize(7).allMatch(m -> m.contains("99"));
      // two more failures: the remembered count is brought up to date, exactly
      String combinedQuery =
          "stage=check&type=IllegalArgumentException&q=99&size=7&to="
              + Instant.now().plusSeconds(60).toEpochMilli();
      assertThat(page(client, id, combinedQuery).get("matched").getAsLong()).isEqualTo(nineNines);
      run.inject("check", 9_999);
      run.inject("check", 6_099);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> page(client, id, "size=1").get("searchable").getAsLong() == THREES + FIVES + 2);
      assertThat(page(client, id, combinedQuery).get("matched").getAsLong())
          .isEqualTo(nineNines + 2);
      assertThat(page(client, id, "stage=out").get("matched").getAsLong()).isZero();
      assertThat(page(client, id, "to=0").get("matched").getAsLong()).isZero();

      // the oldest failure (value 3), long gone from memory: stack trace and task from the store
      JsonObject last =
          page(
              client,
              id,
              "q=" + q("multiple of three") + "&size=500&page=" + ((THREES + 2 + 499) / 500));
      JsonArray items = last.getAsJsonArray("items");
      JsonObject oldest = items.get(items.size() - 1).getAsJsonObject();
      assertThat(oldest.get("message").getAsString()).isEqualTo("multiple of three (3)");
      long oldestId = oldest.get("id").getAsLong();
      JsonObject detail =
          client.getJson("api/runs/" + id + "/failures/" + oldestId).getAsJsonObject();
      assertThat(detail.get("taskJson").getAsString()).isEqualTo("3");
      assertThat(detail.get("stackTrace").getAsString())
          .contains("java.lang.IllegalArgumentException: multiple of three (3)")
          .contains("StoreHistoryTest");

      // retry that stored failure: its JSON is decoded with the stage's codec and runs again
      long before = run.status().stats("out").succeeded();
      Client.Response one =
          client.post("api/runs/" + id + "/retry", "{\"ids\":[" + oldestId + "]}");
      assertThat(one.status()).as(one.body()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> run.status().stats("out").succeeded() == before + 1);

      // retry a filtered set: searched in the store too
      long tens = expected(x -> x % 5 == 0 && x % 3 != 0 && Integer.toString(x).startsWith("10"));
      Client.Response filtered =
          client.post(
              "api/runs/" + id + "/retry",
              "{\"type\":\"IOException\",\"q\":\"multiple of five (10\"}");
      assertThat(filtered.status()).as(filtered.body()).isEqualTo(200);
      assertThat(filtered.json().getAsJsonObject().get("count").getAsLong()).isEqualTo(tens);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> run.status().stats("out").succeeded() == before + 1 + tens);

      run.closeInputs();
      GraphResult result = run.await();
      assertThat(result.stats("check").failed()).isEqualTo(THREES + FIVES + 2);

      // the charts come from the store's stats snapshots
      List<StatsSnapshot> stats = store.stats(id, Instant.EPOCH);
      TreeSet<Instant> times =
          stats.stream().map(StatsSnapshot::at).collect(Collectors.toCollection(TreeSet::new));
      assertThat(times.size()).isGreaterThanOrEqualTo(2);
      long startedAt =
          client.getJson("api/runs/" + id).getAsJsonObject().get("startedAt").getAsLong();
      JsonObject history = client.getJson("api/runs/" + id + "/history").getAsJsonObject();
      List<Long> t = new ArrayList<>();
      history.getAsJsonArray("t").forEach(e -> t.add(e.getAsLong()));
      assertThat(t).last().isEqualTo(Math.max(0, times.last().toEpochMilli() - startedAt));
      if (times.size() <= 240) {
        assertThat(t)
            .containsExactlyElementsOf(
                times.stream().map(at -> Math.max(0, at.toEpochMilli() - startedAt)).toList());
      }
      JsonArray completed = history.getAsJsonObject("completed").getAsJsonArray("check");
      StatsSnapshot lastCheck =
          stats.stream().filter(s -> s.stage().equals("check")).reduce((a, b) -> b).orElseThrow();
      assertThat(completed.get(completed.size() - 1).getAsLong())
          .isEqualTo(lastCheck.succeeded() + lastCheck.failed() + lastCheck.duplicates());
    } finally {
      graph.close();
    }
  }

  @Test
  void aRunTheStoreDoesNotRecordIsAnsweredFromMemory() {
    TaskGraph graph = Graphs.failing();
    try (RunStore store = RunStore.open(dir);
        Dashboard dashboard = Dashboard.builder().history(StoreHistory.of(store)).start()) {
      Client client = new Client(dashboard);
      GraphRun run =
          dashboard
              .attach(graph.newRun().input("check", IntStream.rangeClosed(1, 30).boxed().toList()))
              .start();
      run.await();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> page(client, run.runId(), "").get("total").getAsLong() == 14);
      JsonObject all = page(client, run.runId(), "type=IOException");
      assertThat(all.get("matched").getAsLong()).isEqualTo(4);
      assertThat(all.get("searchable").getAsLong()).isEqualTo(14);
      long id = all.getAsJsonArray("items").get(0).getAsJsonObject().get("id").getAsLong();
      assertThat(
              client
                  .getJson("api/runs/" + run.runId() + "/failures/" + id)
                  .getAsJsonObject()
                  .get("stackTrace")
                  .getAsString())
          .contains("java.io.IOException: multiple of five: 25");
      assertThat(store.runs(10)).isEmpty();
    } finally {
      graph.close();
    }
  }

  /** A record task with a component that may be null: the codec writes no field for it. */
  record Label(String name, int n) {}

  @Test
  void aStoredRecordTaskWithANullComponentIsRetried() {
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    TaskStage<Label, Integer> label =
        TaskStage.<Label, Integer>map(
                "label",
                l -> {
                  if (seen.add(l.n())) {
                    throw new IllegalStateException("first sight of " + l.n());
                  }
                  return l.n();
                })
            .taskType(Label.class)
            .build();
    TaskGraph graph = TaskGraph.builder("labels").stages(label).build();
    try (RunStore store = RunStore.open(dir);
        Dashboard dashboard = Dashboard.builder().history(StoreHistory.of(store)).start()) {
      Client client = new Client(dashboard);
      GraphRun run =
          dashboard
              .attach(store.newRun(graph).keepOpen().input("label", List.of(new Label(null, 7))))
              .start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> page(client, run.runId(), "").get("searchable").getAsLong() == 1);
      JsonObject failure =
          page(client, run.runId(), "").getAsJsonArray("items").get(0).getAsJsonObject();
      assertThat(failure.get("task").getAsString()).isEqualTo("{\"n\":7}");
      Client.Response retry =
          client.post(
              "api/runs/" + run.runId() + "/retry", "{\"ids\":[" + failure.get("id") + "]}");
      assertThat(retry.status()).as(retry.body()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> run.status().stats("label").succeeded() == 1);
      run.closeInputs();
      run.await();
    } finally {
      graph.close();
    }
  }

  private static final Pattern LINE =
      Pattern.compile("^Dashboard: (http://127\\.0\\.0\\.1:\\d+/)$", Pattern.MULTILINE);

  @Test
  void launcherStoreWithDashboardSearchesTheStore() throws Exception {
    TaskGraph graph = graph("launched-store");
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String input =
        IntStream.rangeClosed(1, TASKS)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(","));
    AtomicInteger status = new AtomicInteger(-1);
    Thread launcher =
        new Thread(() ->
            status.set(
                GraphLauncher.of(StoreHistoryTest.class, graph)
                    .input("check", Integer.class)
                    .run(
                        List.of(
                            "--store",
                            dir.toString(),
                            "--dashboard",
                            "--keep-dashboard",
                            "--input",
                            "check=[" + input + "]"),
                        out,
                        err)));
    launcher.start();
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> LINE.matcher(errBytes.toString(StandardCharsets.UTF_8)).find());
      Matcher m = LINE.matcher(errBytes.toString(StandardCharsets.UTF_8));
      assertThat(m.find()).isTrue();
      Client client = new Client(URI.create(m.group(1)), null);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> {
            JsonArray runs = client.getJson("api/runs").getAsJsonArray();
            return runs.size() == 1
                && runs.get(0).getAsJsonObject().get("state").getAsString().equals("COMPLETED");
          });
      String id =
          client
              .getJson("api/runs")
              .getAsJsonArray()
              .get(0)
              .getAsJsonObject()
              .get("runId")
              .getAsString();
      // the dashboard may see the run end before the store's writer has committed its last
      // failures (and reuses the store's counts for a quarter of a second)
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> page(client, id, "size=1").get("searchable").getAsLong() == THREES + FIVES);
      JsonObject all = page(client, id, "size=1");
      assertThat(all.get("total").getAsLong()).isEqualTo(THREES + FIVES);
      // the oldest failures, beyond the 2,000 kept in memory, are found
      JsonObject oldest = page(client, id, "q=" + q("multiple of three (3") + "&size=500");
      assertThat(messages(oldest)).contains("multiple of three (3)");
      assertThat(oldest.get("matched").getAsLong())
          .isEqualTo(expected(x -> x % 3 == 0 && Integer.toString(x).startsWith("3")));
    } finally {
      launcher.interrupt(); // what Ctrl-C's shutdown hook does
      launcher.join(10_000);
      graph.close();
    }
    assertThat(launcher.isAlive()).isFalse();
    String text = errBytes.toString(StandardCharsets.UTF_8);
    assertThat(status.get()).as(text).isEqualTo(1); // some tasks failed
    assertThat(text).contains("run store: recording run").doesNotContain("warning");
  }
}

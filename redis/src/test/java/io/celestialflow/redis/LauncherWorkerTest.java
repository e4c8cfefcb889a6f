package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.redis.graphs.NumbersGraph;
import io.celestialflow.redis.graphs.ScaleOutGraph;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The generated runners' {@code --worker STAGE --redis URL} ({@link WorkerLauncher}): graph classes
 * run as workers in JVMs of their own.
 */
@ExtendWith(RedisExtension.class)
@Timeout(90)
@SuppressWarnings("try") // child processes run in the background of try-with-resources
class LauncherWorkerTest {
  private static final Duration READY = Duration.ofSeconds(30);

  private static ChildProcess numbersWorker(RedisServer server, String consumer) throws Exception {
    return ChildProcess.java(
        consumer,
        NumbersGraph.class,
        List.of(
            "--worker",
            "square",
            "--worker",
            "words",
            "--redis",
            server.uri(),
            "--worker-consumer",
            consumer,
            "--worker-concurrency",
            "2",
            "--worker-batch",
            "4",
            "--worker-idle-claim",
            "2s"),
        Map.of());
  }

  @Test
  void graphRunnersServeTheirStagesForTheRemoteStagesOfAnotherGraph(RedisServer server)
      throws Exception {
    Map<String, Integer> byWorker = new ConcurrentHashMap<>();
    try (ChildProcess w1 = numbersWorker(server, "numbers-1");
        ChildProcess w2 = numbersWorker(server, "numbers-2");
        RedisBridge redis = RedisBridge.connect(server.uri())) {
      assertThat(w1.awaitLine(l -> l.startsWith("ready "), READY))
          .isEqualTo("ready graph=numbers group=workers consumer=numbers-1 stages=square,words");
      w2.awaitLine(l -> l.startsWith("ready "), READY);

      TaskStage<Integer, Long> square =
          RemoteStage.map("square", Integer.class, Long.class)
              .redis(redis)
              .graph("numbers")
              .onResult(r -> byWorker.merge(r.worker(), 1, Integer::sum))
              .build();
      TaskStage<Long, Long> half = TaskStage.map("half", (Long x) -> x / 2).build();
      TaskStage<String, String> words =
          RemoteStage.splitter("words", String.class, String.class)
              .redis(redis)
              .graph("numbers")
              .build();
      TaskStage<String, Integer> length = TaskStage.map("length", String::length).build();
      try (TaskGraph graph =
          TaskGraph.builder("client")
              .stages(square, half, words, length)
              .edge(square, half)
              .edge(words, length)
              .build()) {
        GraphResult result =
            graph
                .newRun()
                .input(square, IntStream.rangeClosed(1, 200).boxed().toList())
                .input(words, List.of("a bb ccc", "remote stages"))
                .collect(words)
                .run();
        assertThat(result.failures()).isEmpty();
        assertThat(result.outputs(half))
            .containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 200).mapToObj(i -> (long) i * i / 2).toList());
        assertThat(result.outputs(words))
            .containsExactlyInAnyOrder("A", "BB", "CCC", "REMOTE", "STAGES");
        assertThat(result.outputs(length)).containsExactlyInAnyOrder(1, 2, 3, 6, 6);
        RemoteStageTest.assertAccounted(result.stats("square"));
        assertThat(byWorker.keySet()).containsExactlyInAnyOrder("numbers-1", "numbers-2");
        assertThat(byWorker.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
      }

      // SIGTERM: a graceful stop that removes the worker's heartbeat.
      w1.terminate();
      assertThat(w1.awaitExit(Duration.ofSeconds(20))).isEqualTo(143);
      assertThat(w1.stderr()).contains("serving graph 'numbers' stages square,words");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() ->
              redis.status("numbers", "square").workers().stream()
                  .noneMatch(h -> h.consumer().equals("numbers-1")));
      assertThat(w2.isAlive()).isTrue();
    }
  }

  @Test
  void oneProgramRunsTheGraphAndServesItsRemoteStage(RedisServer server) throws Exception {
    Map<String, String> env = Map.of(WorkerLauncher.REDIS_ENV, server.uri());
    try (ChildProcess worker =
        ChildProcess.java(
            "scaleout-worker",
            ScaleOutGraph.class,
            List.of("--worker", "square", "--worker-consumer", "scale-1"),
            env)) {
      assertThat(worker.awaitLine(l -> l.startsWith("ready "), READY))
          .isEqualTo("ready graph=scaleout group=workers consumer=scale-1 stages=square");
      String tasks =
          IntStream.rangeClosed(1, 30).mapToObj(Integer::toString).collect(Collectors.joining(","));
      try (ChildProcess runner =
          ChildProcess.java(
              "scaleout-runner",
              ScaleOutGraph.class,
              List.of("--input", "square=[" + tasks + "]"),
              env)) {
        assertThat(runner.awaitExit(Duration.ofSeconds(60))).as(runner.stderr()).isZero();
        JsonObject outputs = JsonParser.parseString(runner.stdout()).getAsJsonObject();
        Set<String> shown = new TreeSet<>();
        for (JsonElement e : outputs.getAsJsonArray("show")) {
          shown.add(e.getAsString());
        }
        assertThat(shown)
            .isEqualTo(
                IntStream.rangeClosed(1, 30)
                    .mapToObj(i -> "#" + (long) i * i)
                    .collect(Collectors.toCollection(TreeSet::new)));
        assertThat(runner.stderr()).containsPattern("square +received +30 +succeeded +30");
      }
    }
  }

  private record Launch(int status, String out, String err) {}

  private static Launch launch(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        NumbersGraph.launcher()
            .run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Launch(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theOptionsAreListedAndMistakesReported() {
    Launch help = launch("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out())
        .contains("--worker STAGE")
        .contains("--redis URL")
        .contains("--worker-group NAME")
        .contains("--worker-consumer NAME")
        .contains("--worker-concurrency N")
        .contains("--worker-batch N")
        .contains("--worker-idle-claim TIME")
        .contains("--worker-delivery-limit N");

    List<String[]> mistakes = new ArrayList<>();
    mistakes.add(new String[] {"--worker", "cube", "--redis", "redis://127.0.0.1:1"});
    mistakes.add(new String[] {"--worker", "route", "--redis", "redis://127.0.0.1:1"});
    mistakes.add(new String[] {"--worker", "untyped", "--redis", "redis://127.0.0.1:1"});
    mistakes.add(new String[] {"--redis", "redis://127.0.0.1:1"});
    mistakes.add(
        new String[] {
          "--worker", "square", "--redis", "redis://127.0.0.1:1", "--worker-idle-claim", "soon"
        });
    mistakes.add(
        new String[] {
          "--worker", "square", "--redis", "redis://127.0.0.1:1", "--worker-batch", "0"
        });
    mistakes.add(new String[] {"--worker", "square", "--redis", "http://127.0.0.1:1"});
    List<String> expected =
        List.of(
            "graph 'numbers' has no such stage (stages: square, words, route, untyped)",
            "is a router",
            "does not declare its task type",
            "go with --worker STAGE",
            "--worker-idle-claim needs a duration",
            "--worker-batch needs a positive integer",
            "not a Redis URI");
    for (int i = 0; i < mistakes.size(); i++) {
      Launch l = launch(mistakes.get(i));
      assertThat(l.status()).as(String.join(" ", mistakes.get(i))).isEqualTo(2);
      assertThat(l.err()).contains("error: ").contains(expected.get(i));
    }
  }

  @Test
  void durationsAreReadAsTheGoWorkerReadsThem() {
    assertThat(WorkerLauncher.duration("x", "1500")).isEqualTo(Duration.ofMillis(1500));
    assertThat(WorkerLauncher.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(WorkerLauncher.duration("x", "1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(WorkerLauncher.duration("x", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(WorkerLauncher.duration("x", "30S")).isEqualTo(Duration.ofSeconds(30));
  }
}

package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.GraphDefinitionException;
import io.celestialflow.GraphResult;
import io.celestialflow.StageStats;
import io.celestialflow.TaskFailure;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/** Remote stages against a real redis-server, with in-process workers. */
@ExtendWith(RedisExtension.class)
@Timeout(30)
@SuppressWarnings("try") // workers run in the background of try-with-resources
class RemoteStageTest {

  static void assertAccounted(StageStats s) {
    assertThat(s.received())
        .as("received = succeeded + failed + duplicates for %s", s)
        .isEqualTo(s.succeeded() + s.failed() + s.duplicates());
    assertThat(s.open() + s.running() + s.unfinished()).isZero();
  }

  @Test
  void mapSplitterAndConsumerRunRemotelyAndFlowDownstream(RedisServer server) {
    Map<String, Integer> consumed = new ConcurrentHashMap<>();
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "shapes")
                .handle(
                    StageHandler.map(
                        "square", Integer.class, Long.class, (Integer x) -> (long) x * x))
                .handle(
                    StageHandler.splitter(
                        "words", String.class, String.class, (String s) -> List.of(s.split(" "))))
                .handle(
                    StageHandler.consumer(
                        "store", String.class, (String s) -> consumed.merge(s, 1, Integer::sum)))
                .concurrency(4)
                .build()
                .start()) {
      TaskStage<Integer, Long> square =
          RemoteStage.map("square", Integer.class, Long.class).redis(redis).graph("shapes").build();
      TaskStage<Long, String> show = TaskStage.map("show", (Long x) -> "#" + x).build();
      TaskStage<String, String> words =
          RemoteStage.splitter("words", String.class, String.class)
              .redis(redis)
              .graph("shapes")
              .build();
      TaskStage<String, Void> store =
          RemoteStage.<String>consumer("store", String.class).redis(redis).graph("shapes").build();
      try (TaskGraph graph =
          TaskGraph.builder("shapes")
              .stages(square, show, words, store)
              .edge(square, show)
              .edge(words, store)
              .build()) {
        GraphResult result =
            graph
                .newRun()
                .input(square, IntStream.rangeClosed(1, 500).boxed().toList())
                .input(words, List.of("a b c", "d e", "f"))
                .run();
        assertThat(result.outputs(show))
            .containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 500).mapToObj(i -> "#" + (long) i * i).toList());
        assertThat(consumed).containsOnlyKeys("a", "b", "c", "d", "e", "f");
        assertThat(consumed.values()).containsOnly(1);
        assertThat(result.failures()).isEmpty();
        for (String s : List.of("square", "show", "words", "store")) {
          assertAccounted(result.stats(s));
        }
        assertThat(result.stats("square").succeeded()).isEqualTo(500);
        assertThat(result.stats("words").emitted()).isEqualTo(6);
      }
      QueueStatus status = redis.status("shapes", "square");
      assertThat(status.length()).isZero();
      assertThat(status.pending()).isZero();
      assertThat(status.lag()).isZero();
      assertThat(status.client()).isNotNull();
      assertThat(status.client().duplicates()).isZero();
      assertThat(status.client().outstanding()).isZero();
      assertThat(status.liveWorkers())
          .extracting(WorkerHeartbeat::consumer)
          .containsExactly(worker.consumer());
    }
  }

  @Test
  void aRemoteErrorIsARecordedFailureAndTheRunGoesOn(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "errors")
                .handle(
                    StageHandler.map(
                        "inverse",
                        Integer.class,
                        Integer.class,
                        (Integer x) -> {
                          if (x == 0) {
                            throw new ArithmeticException("/ by zero");
                          }
                          return 100 / x;
                        }))
                .build()
                .start()) {
      TaskStage<Integer, Integer> inverse =
          RemoteStage.map("inverse", Integer.class, Integer.class)
              .redis(redis)
              .graph("errors")
              .build();
      try (TaskGraph graph = TaskGraph.builder("errors").stages(inverse).build()) {
        GraphResult result = graph.run(inverse, List.of(1, 0, 2, 4));
        assertThat(result.outputs(inverse)).containsExactlyInAnyOrder(100, 50, 25);
        assertThat(result.failures()).hasSize(1);
        TaskFailure f = result.failures().get(0);
        assertThat(f.task()).isEqualTo(0);
        assertThat(f.exceptionType()).isEqualTo(RemoteWorkerException.class.getName());
        assertThat(f.message()).contains("java.lang.ArithmeticException").contains("/ by zero");
        assertThat(f.stackTrace()).contains("ArithmeticException");
        assertAccounted(result.stats("inverse"));
        assertThat(result.stats("inverse").failed()).isEqualTo(1);
      }
      assertThat(worker.stats().failed()).isEqualTo(1);
    }
  }

  @Test
  void aTypeThatCannotTravelFailsWhenTheStageIsBuilt(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      assertThatThrownBy(() ->
              RemoteStage.map("bad", Object.class, Long.class).redis(redis).graph("g").build())
          .isInstanceOf(GraphDefinitionException.class)
          .hasMessageContaining("stage 'bad'")
          .hasMessageContaining("task type")
          .hasMessageContaining("java.lang.Object");
      assertThatThrownBy(() -> RemoteStage.map("nobridge", Integer.class, Long.class).build())
          .isInstanceOf(GraphDefinitionException.class)
          .hasMessageContaining(".redis(bridge) and .graph(name)");
    }
  }

  @Test
  void aValueThatCannotBeWrittenIsARecordedFailure(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "nan")
                .handle(StageHandler.map("half", Double.class, Double.class, (Double x) -> x / 2))
                .build()
                .start()) {
      TaskStage<Double, Double> half =
          RemoteStage.map("half", Double.class, Double.class).redis(redis).graph("nan").build();
      try (TaskGraph graph = TaskGraph.builder("nan").stages(half).build()) {
        GraphResult result = graph.run(half, List.of(2.0, Double.NaN, 8.0));
        assertThat(result.outputs(half)).containsExactlyInAnyOrder(1.0, 4.0);
        assertThat(result.failures())
            .singleElement()
            .satisfies(f -> {
              assertThat(f.exceptionType()).isEqualTo("io.celestialflow.codec.CodecException");
              assertThat(f.message()).contains("NaN");
            });
        assertAccounted(result.stats("half"));
      }
    }
  }

  @Test
  void aDuplicateResultIsDroppedAndCounted(RedisServer server) throws Exception {
    List<RemoteResult> seen = new ArrayList<>();
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "dup")
                .handle(
                    StageHandler.map("twice", Integer.class, Integer.class, (Integer x) -> 2 * x))
                .build()
                .start()) {
      TaskStage<Integer, Integer> twice =
          RemoteStage.map("twice", Integer.class, Integer.class)
              .redis(redis)
              .graph("dup")
              .onResult(seen::add)
              .build();
      try (TaskGraph graph = TaskGraph.builder("dup").stages(twice).build()) {
        GraphResult first = graph.run(twice, List.of(1, 2, 3));
        assertThat(first.outputs(twice)).containsExactlyInAnyOrder(2, 4, 6);
        // A late second result for a task already settled (as a reclaimed re-run would write).
        RemoteResult r = seen.get(0);
        String run = redis.status("dup", "twice").client().run();
        String late =
            "{\"v\":1,\"kind\":\"result\",\"id\":\""
                + r.id()
                + "\",\"graph\":\"dup\",\"stage\":\"twice\",\"run\":\""
                + run
                + "\",\"status\":\"ok\",\"value\":999,\"worker\":\"late\",\"delivery\":2,\"started\":1,\"finished\":2}";
        try (Jedis j = server.client()) {
          j.xadd(
              redis.keys("dup", "twice").results(run), StreamEntryID.NEW_ENTRY, Map.of("m", late));
        }
        GraphResult second = graph.run(twice, List.of(10));
        assertThat(second.outputs(twice)).containsExactly(20);
        assertAccounted(second.stats("twice"));
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> redis.status("dup", "twice").client().duplicates() == 1);
      }
    }
  }

  @Test
  void aPackOfResultsSettlesEachOfItsTasksAndAMalformedOneFailsAlone(RedisServer server)
      throws Exception {
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      TaskStage<Integer, Integer> twice =
          RemoteStage.map("twice", Integer.class, Integer.class)
              .redis(redis)
              .graph("packs")
              .build();
      RedisKeys keys = redis.keys("packs", "twice");
      try (TaskGraph graph = TaskGraph.builder("packs").stages(twice).build();
          Jedis j = server.client()) {
        var run = graph.newRun().input(twice, List.of(1, 2, 3, 4)).start();
        // No worker: this test writes the results, packed as a worker packs them.
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> j.xlen(keys.tasks()) == 4);
        List<Wire.Task> tasks = new ArrayList<>();
        for (var e : j.xrange(keys.tasks(), (StreamEntryID) null, null)) {
          assertThat(e.getFields().get("m")).contains("\"pack\":true");
          tasks.add(Wire.readTask(e.getFields(), "packs", "twice"));
        }
        assertThat(tasks).allMatch(Wire.Task::pack);
        String reply = tasks.get(0).reply();
        List<String> results = new ArrayList<>();
        for (Wire.Task t : tasks) {
          int x = t.payload().getAsInt();
          String r = Wire.ok(t, Wire.Shape.VALUE, Integer.toString(2 * x), "hand", 1, 1, 2);
          // Task 3's result breaks the protocol (a status neither ok nor error).
          results.add(x == 3 ? r.replace("\"status\":\"ok\"", "\"status\":\"maybe\"") : r);
        }
        // Tasks 1-3 in one pack as the worker writes it; task 4 in a pack spaced differently.
        j.xadd(
            reply,
            StreamEntryID.NEW_ENTRY,
            Map.of("m", ResultPack.HEAD + String.join(",", results.subList(0, 3)) + "]}"));
        j.xadd(
            reply,
            StreamEntryID.NEW_ENTRY,
            Map.of(
                "m",
                "{ \"kind\": \"results\", \"v\": 1, \"results\": [ " + results.get(3) + " ] }"));
        GraphResult result = run.await();
        assertThat(result.outputs(twice)).containsExactlyInAnyOrder(2, 4, 8);
        assertThat(result.failures()).hasSize(1);
        assertThat(result.failures().get(0).message()).contains("malformed result", "status");
        assertAccounted(result.stats("twice"));
        assertThat(redis.status("packs", "twice").client().malformed()).isEqualTo(1);
      }
    }
  }

  @Test
  void severalGraphsOnOneRedisNeverCollide(RedisServer server) throws Exception {
    // Same stage name in different graphs; names that would collide if keys were joined naively.
    String[][] pairs = {{"alpha", "square"}, {"beta", "square"}, {"a:b", "c"}, {"a", "b:c"}};
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      List<RemoteWorker> workers = new ArrayList<>();
      List<TaskStage<Integer, Long>> stages = new ArrayList<>();
      for (int i = 0; i < pairs.length; i++) {
        long offset = 1000L * (i + 1);
        workers.add(
            RemoteWorker.builder(redis, pairs[i][0])
                .handle(
                    StageHandler.map(
                        pairs[i][1], Integer.class, Long.class, (Integer x) -> offset + x))
                .concurrency(2)
                .build()
                .start());
        stages.add(
            RemoteStage.map(pairs[i][1], Integer.class, Long.class)
                .redis(redis)
                .graph(pairs[i][0])
                .build());
      }
      try {
        List<java.util.concurrent.CompletableFuture<GraphResult>> runs = new ArrayList<>();
        List<TaskGraph> graphs = new ArrayList<>();
        for (int i = 0; i < pairs.length; i++) {
          TaskGraph g = TaskGraph.builder(pairs[i][0]).stages(stages.get(i)).build();
          graphs.add(g);
          runs.add(
              g.newRun()
                  .input(stages.get(i), IntStream.range(0, 200).boxed().toList())
                  .start()
                  .result());
        }
        for (int i = 0; i < pairs.length; i++) {
          long offset = 1000L * (i + 1);
          GraphResult r = runs.get(i).get();
          assertThat(r.outputs(stages.get(i)))
              .containsExactlyInAnyOrderElementsOf(
                  IntStream.range(0, 200).mapToObj(x -> offset + x).toList());
          assertAccounted(r.stats(pairs[i][1]));
          graphs.get(i).close();
        }
        try (Jedis j = server.client()) {
          assertThat(j.keys("cf:*"))
              .allSatisfy(k -> assertThat(k).matches("cf:\\{[^{}:]+\\}:[^{}:]+:.*"));
        }
      } finally {
        workers.forEach(RemoteWorker::close);
      }
    }
  }

  @Test
  void statusShowsBacklogPendingAndLagAndTheStreamStaysBounded(RedisServer server)
      throws Exception {
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      TaskStage<TestFunctions.Job, Long> square =
          RemoteStage.map("square", TestFunctions.Job.class, Long.class)
              .redis(redis)
              .graph("status")
              .maxOutstanding(10)
              .build();
      List<TestFunctions.Job> jobs =
          IntStream.range(0, 40).mapToObj(i -> new TestFunctions.Job(i, 30)).toList();
      try (TaskGraph graph = TaskGraph.builder("status").stages(square).build();
          io.celestialflow.GraphRun run = graph.newRun().input(square, jobs).start()) {
        // No worker yet: the backpressure holds the stream at maxOutstanding, none delivered.
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> redis.status("status", "square").length() == 10);
        Thread.sleep(200);
        QueueStatus idle = redis.status("status", "square");
        assertThat(idle.length()).isEqualTo(10);
        assertThat(idle.lag()).isEqualTo(10);
        assertThat(idle.pending()).isZero();
        assertThat(idle.workers()).isEmpty();
        assertThat(idle.client().outstanding()).isEqualTo(10);
        try (RemoteWorker worker =
            RemoteWorker.builder(redis, "status")
                .handle(StageHandler.of("square", TestFunctions.SlowSquare.class))
                .concurrency(2)
                .batchSize(2)
                .heartbeatInterval(Duration.ofMillis(100))
                .build()
                .start()) {
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(5))
              .untilAsserted(() -> {
                QueueStatus busy = redis.status("status", "square");
                assertThat(busy.pending()).isPositive();
                assertThat(busy.length()).isLessThanOrEqualTo(10);
                assertThat(busy.liveWorkers())
                    .singleElement()
                    .satisfies(w -> {
                      assertThat(w.consumer()).isEqualTo(worker.consumer());
                      assertThat(w.lang()).isEqualTo("java");
                      assertThat(w.stages()).containsExactly("square");
                      assertThat(w.inflight()).isPositive();
                    });
              });
          GraphResult result = run.await();
          assertThat(result.stats("square").succeeded()).isEqualTo(40);
        }
        QueueStatus after = redis.status("status", "square");
        assertThat(after.length()).isZero();
        assertThat(after.pending()).isZero();
        assertThat(after.lag()).isZero();
      }
    }
  }

  @Test
  void theSameRemoteStageMayBeBuiltAgainAsARunnerRebuildingItsGraphDoes(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "again")
                .handle(StageHandler.of("square", TestFunctions.Square.class))
                .build()
                .start()) {
      for (int round = 0; round < 2; round++) {
        TaskStage<Integer, Long> square =
            RemoteStage.map("square", Integer.class, Long.class)
                .redis(redis)
                .graph("again")
                .build();
        try (TaskGraph graph = TaskGraph.builder("again").stages(square).build()) {
          assertThat(graph.run(square, List.of(3, 4)).outputs(square))
              .containsExactlyInAnyOrder(9L, 16L);
        }
      }
    }
  }
}

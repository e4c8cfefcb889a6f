package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/** The worker's guarantees, against a real redis-server. */
@ExtendWith(RedisExtension.class)
@Timeout(40)
@SuppressWarnings("try") // workers run in the background of try-with-resources
class RemoteWorkerTest {

  /** A task message as a graph would write it, with a reply stream nobody reads. */
  static String task(String graph, String stage, String id, String payload, String reply) {
    return task(graph, stage, id, payload, reply, false);
  }

  /** The same; with {@code pack}, the task says its reply stream's reader reads packed results. */
  static String task(
      String graph, String stage, String id, String payload, String reply, boolean pack) {
    return Wire.task(
        id,
        graph,
        stage,
        "run1",
        List.of(),
        1,
        payload,
        reply,
        0,
        System.currentTimeMillis(),
        pack);
  }

  /** How many results a result stream holds, counting each result of a pack. */
  static int results(Jedis j, String reply) throws Wire.Rejection {
    int n = 0;
    for (StreamEntry e : all(j, reply)) {
      List<?> pack = ResultPack.unpack(e.getFields().get("m"), "g", "s");
      n += pack == null ? 1 : pack.size();
    }
    return n;
  }

  static List<StreamEntry> all(Jedis j, String stream) {
    return j.xrange(stream, (StreamEntryID) null, null, 10_000);
  }

  @Test
  void theResultAndTheAcknowledgementAreOneStep(RedisServer server) {
    RedisKeys keys = RedisKeys.of("order", "square");
    String reply = keys.results("run1");
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicInteger checked = new AtomicInteger();
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        Jedis probe = server.client();
        Jedis checker = server.client(); // used by the worker's writer thread only
        RemoteWorker worker =
            RemoteWorker.builder(redis, "order")
                .handle(StageHandler.of("square", TestFunctions.Square.class))
                .batchSize(16)
                .beforeCommit(written -> {
                  // Just before the commit: every entry still pending, no result written yet.
                  for (RemoteWorker.Written w : written) {
                    List<StreamPendingEntry> pending =
                        checker.xpending(
                            w.stream(),
                            RedisBridge.DEFAULT_GROUP,
                            XPendingParams.xPendingParams(w.entry(), w.entry(), 1));
                    if (pending.size() != 1 || hasResult(checker, reply, w.taskId())) {
                      violations.add(w + " pending=" + pending);
                    }
                    checked.incrementAndGet();
                  }
                })
                .build()
                .start()) {
      for (int i = 0; i < 100; i++) {
        probe.xadd(
            keys.tasks(),
            StreamEntryID.NEW_ENTRY,
            Map.of("m", task("order", "square", "t" + i, String.valueOf(i), reply)));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> worker.stats().processed() == 100);
      assertThat(checked.get()).isEqualTo(100);
      assertThat(violations).isEmpty();
      // Right after: every result written, every entry acknowledged and deleted.
      assertThat(probe.xlen(reply)).isEqualTo(100);
      assertThat(probe.xlen(keys.tasks())).isZero();
      assertThat(probe.xpending(keys.tasks(), RedisBridge.DEFAULT_GROUP).getTotal()).isZero();
    }
  }

  private static boolean hasResult(Jedis j, String reply, @Nullable String taskId) {
    return all(j, reply).stream()
        .anyMatch(e -> e.getFields().get("m").contains("\"id\":\"" + taskId + "\""));
  }

  @ParameterizedTest(name = "packed results: {0}")
  @ValueSource(booleans = {false, true})
  void aStalledWorkerDoesNotCommitAnEntryAnotherWorkerClaimed(boolean pack, RedisServer server)
      throws Exception {
    // With packed results the first batch's packed commit is refused whole ('again'), and the
    // batch is committed entry by entry: the other three results written, the stolen one not.
    RedisKeys keys = RedisKeys.of("stalled", "square");
    String reply = keys.results("run1");
    List<RemoteWorker.Written> stolen = new CopyOnWriteArrayList<>();
    try (Jedis early = server.client()) {
      // All ten before the worker starts, so that it reads them in batches of four whatever the
      // timing (its group reads the stream from the start): the later batches then go packed.
      for (int i = 0; i < 10; i++) {
        early.xadd(
            keys.tasks(),
            StreamEntryID.NEW_ENTRY,
            Map.of("m", task("stalled", "square", "t" + i, String.valueOf(i), reply, pack)));
      }
    }
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        Jedis probe = server.client();
        Jedis thief = server.client(); // used by the worker's writer thread only
        RemoteWorker worker =
            RemoteWorker.builder(redis, "stalled")
                .handle(StageHandler.of("square", TestFunctions.Square.class))
                .batchSize(4)
                .concurrency(1)
                .beforeCommit(written -> {
                  // As if this worker had stalled past the idle-claim time: another consumer
                  // claims the first entry of the first batch before the commit.
                  if (stolen.isEmpty()) {
                    RemoteWorker.Written w = written.get(0);
                    thief.xclaim(
                        w.stream(),
                        RedisBridge.DEFAULT_GROUP,
                        "thief",
                        0,
                        XClaimParams.xClaimParams(),
                        w.entry());
                    stolen.add(w);
                  }
                })
                .build()
                .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> worker.stats().processed() == 9);
      RemoteWorker.Written w = stolen.get(0);
      assertThat(results(probe, reply)).isEqualTo(9);
      if (pack) { // the later batches went packed: fewer entries than results
        assertThat(probe.xlen(reply)).isLessThan(9);
      }
      assertThat(hasResult(probe, reply, w.taskId())).isFalse();
      List<StreamPendingEntry> pending =
          probe.xpending(
              keys.tasks(),
              RedisBridge.DEFAULT_GROUP,
              XPendingParams.xPendingParams(
                  StreamEntryID.MINIMUM_ID, StreamEntryID.MAXIMUM_ID, 10));
      assertThat(pending)
          .singleElement()
          .satisfies(p -> {
            assertThat(p.getID()).isEqualTo(w.entry());
            assertThat(p.getConsumerName()).isEqualTo("thief");
          });
      assertThat(probe.xlen(keys.tasks())).isEqualTo(1); // the thief's to finish
    }
  }

  @Test
  void aResultKeyThatIsNotAStreamLeavesTheEntryPendingUntilItIsDeadLettered(RedisServer server) {
    RedisKeys keys = RedisKeys.of("wrongtype", "square");
    String reply = keys.results("run1");
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        Jedis probe = server.client()) {
      probe.set(reply, "not a stream");
      probe.xadd(
          keys.tasks(),
          StreamEntryID.NEW_ENTRY,
          Map.of("m", task("wrongtype", "square", "t1", "3", reply)));
      try (RemoteWorker worker =
          RemoteWorker.builder(redis, "wrongtype")
              .handle(StageHandler.of("square", TestFunctions.Square.class))
              .idleClaim(Duration.ofMillis(100))
              .deliveryLimit(2)
              .build()
              .start()) {
        // Run, not written (bad key), run again after the idle time, then dead-lettered; the
        // dead letter's error result is optional, so the entry leaves its stream all the same.
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.stats().deadLettered() == 1);
        assertThat(worker.stats().processed()).isZero();
        assertThat(probe.xlen(keys.tasks())).isZero();
        assertThat(probe.xpending(keys.tasks(), RedisBridge.DEFAULT_GROUP).getTotal()).isZero();
        assertThat(probe.get(reply)).isEqualTo("not a stream");
        assertThat(all(probe, keys.dead()))
            .singleElement()
            .satisfies(e -> assertThat(e.getFields().get("m")).contains("max_deliveries"));
      }
    }
  }

  @Test
  void aWorkerKilledJustBeforeItsCommitLosesNothing(RedisServer server) throws Exception {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        WorkerJvm halting =
            WorkerJvm.start(
                HaltingWorker.class.getName(),
                "halting-jvm",
                List.of(server.uri(), "halt", "square"))) {
      TaskStage<Integer, Long> square =
          RemoteStage.map("square", Integer.class, Long.class).redis(redis).graph("halt").build();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !redis.status("halt", "square").workers().isEmpty());
      try (TaskGraph graph = TaskGraph.builder("halt").stages(square).build();
          GraphRun run =
              graph.newRun().input(square, IntStream.range(0, 60).boxed().toList()).start()) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !halting.isAlive());
        try (RemoteWorker rescuer =
            RemoteWorker.builder(redis, "halt")
                .handle(StageHandler.of("square", TestFunctions.Square.class))
                .idleClaim(Duration.ofMillis(500))
                .build()
                .start()) {
          GraphResult result = run.await();
          assertThat(result.outputs(square))
              .containsExactlyInAnyOrderElementsOf(
                  IntStream.range(0, 60).mapToObj(i -> (long) i * i).toList());
          RemoteStageTest.assertAccounted(result.stats("square"));
          assertThat(result.stats("square").succeeded()).isEqualTo(60);
          // The halted worker's entries were reclaimed after the idle time and run again; it
          // wrote none of its results (its commit never ran), so none arrives twice.
          assertThat(rescuer.stats().reclaimed()).isPositive();
          assertThat(redis.status("halt", "square").client().duplicates()).isZero();
        }
      }
    }
  }

  @Test
  void aLongTaskIsNotStolenWhileItsWorkerLives(RedisServer server) {
    AtomicInteger runs = new AtomicInteger();
    List<RemoteResult> results = new CopyOnWriteArrayList<>();
    Duration idle = Duration.ofMillis(200);
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      List<RemoteWorker> workers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        workers.add(
            RemoteWorker.builder(redis, "long")
                .handle(
                    StageHandler.map(
                        "slow",
                        Integer.class,
                        Integer.class,
                        (Integer x) -> {
                          runs.incrementAndGet();
                          Thread.sleep(5 * idle.toMillis()); // five idle-claim times
                          return x + 1;
                        }))
                .idleClaim(idle)
                .concurrency(1)
                .batchSize(1)
                .build()
                .start());
      }
      try {
        TaskStage<Integer, Integer> slow =
            RemoteStage.map("slow", Integer.class, Integer.class)
                .redis(redis)
                .graph("long")
                .onResult(results::add)
                .build();
        try (TaskGraph graph = TaskGraph.builder("long").stages(slow).build()) {
          GraphResult result = graph.run(slow, List.of(41));
          assertThat(result.outputs(slow)).containsExactly(42);
        }
        assertThat(runs.get()).isEqualTo(1);
        assertThat(results).singleElement().satisfies(r -> assertThat(r.delivery()).isEqualTo(1));
        assertThat(workers.stream().mapToLong(w -> w.stats().renewals()).sum())
            .isGreaterThanOrEqualTo(3);
        assertThat(workers.stream().mapToLong(w -> w.stats().reclaimed()).sum()).isZero();
      } finally {
        workers.forEach(RemoteWorker::close);
      }
    }
  }

  @Test
  void aPoisonTaskGoesToDeadLettersAfterTheDeliveryLimitAndFailsInTheGraph(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        Jedis crasher = server.client()) {
      RedisKeys keys = redis.keys("poison", "square");
      TaskStage<Integer, Long> square =
          RemoteStage.map("square", Integer.class, Long.class).redis(redis).graph("poison").build();
      try (TaskGraph graph = TaskGraph.builder("poison").stages(square).build();
          GraphRun run = graph.newRun().input(square, List.of(13)).start()) {
        // A consumer that takes the task and dies with it, five times over (each claim is a
        // delivery, as if five workers had crashed on it).
        await().atMost(Duration.ofSeconds(5)).until(() -> crasher.xlen(keys.tasks()) == 1);
        List<Map.Entry<String, List<StreamEntry>>> got =
            crasher.xreadGroup(
                RedisBridge.DEFAULT_GROUP,
                "crasher",
                XReadGroupParams.xReadGroupParams().count(1),
                Map.of(keys.tasks(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        StreamEntryID id = got.get(0).getValue().get(0).getID();
        for (int i = 0; i < 4; i++) {
          crasher.xclaim(
              keys.tasks(),
              RedisBridge.DEFAULT_GROUP,
              "crasher",
              0,
              XClaimParams.xClaimParams(),
              id);
        }
        assertThat(
                crasher
                    .xpending(
                        keys.tasks(),
                        RedisBridge.DEFAULT_GROUP,
                        XPendingParams.xPendingParams(id, id, 1))
                    .get(0)
                    .getDeliveredTimes())
            .isEqualTo(5);
        try (RemoteWorker worker =
            RemoteWorker.builder(redis, "poison")
                .handle(StageHandler.of("square", TestFunctions.Square.class))
                .idleClaim(Duration.ofMillis(200))
                .deliveryLimit(5)
                .build()
                .start()) {
          GraphResult result = run.await();
          assertThat(result.outputs(square)).isEmpty();
          assertThat(result.failures())
              .singleElement()
              .satisfies(f -> {
                assertThat(f.exceptionType()).isEqualTo(DeadLetterException.class.getName());
                assertThat(f.message())
                    .contains("celestialflow.DeliveryLimitExceeded")
                    .contains("limit 5");
              });
          RemoteStageTest.assertAccounted(result.stats("square"));
          assertThat(worker.stats().deadLettered()).isEqualTo(1);
        }
        List<StreamEntry> dead = all(crasher, keys.dead());
        assertThat(dead).hasSize(1);
        String m = dead.get(0).getFields().get("m");
        assertThat(m)
            .contains("\"code\":\"max_deliveries\"")
            .contains("\"deliveries\":6")
            .contains("\"payload\":13");
        assertThat(crasher.xlen(keys.tasks())).isZero();
        assertThat(crasher.xpending(keys.tasks(), RedisBridge.DEFAULT_GROUP).getTotal()).isZero();
        assertThat(redis.deadLetters("poison", "square", 10)).containsExactly(m);
        assertThat(redis.status("poison", "square").deadLetters()).isEqualTo(1);
      }
    }
  }

  @Test
  void malformedMessagesAreDeadLetteredWithTheReason(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        Jedis j = server.client();
        RemoteWorker worker =
            RemoteWorker.builder(redis, "bad")
                .handle(StageHandler.of("square", TestFunctions.Square.class))
                .build()
                .start()) {
      RedisKeys keys = redis.keys("bad", "square");
      String reply = keys.results("run1");
      j.xadd(keys.tasks(), StreamEntryID.NEW_ENTRY, Map.of("m", "{\"v\":1,\"kind\":"));
      j.xadd(keys.tasks(), StreamEntryID.NEW_ENTRY, Map.of("x", "no m field"));
      j.xadd(
          keys.tasks(),
          StreamEntryID.NEW_ENTRY,
          Map.of("m", task("bad", "square", "v2", "3", reply).replace("\"v\":1", "\"v\":2")));
      j.xadd(
          keys.tasks(),
          StreamEntryID.NEW_ENTRY,
          Map.of("m", task("bad", "cube", "cube-1", "3", reply)));
      j.xadd(
          keys.tasks(),
          StreamEntryID.NEW_ENTRY,
          Map.of("m", task("bad", "square", "str", "\"abc\"", reply)));
      j.xadd(
          keys.tasks(),
          StreamEntryID.NEW_ENTRY,
          Map.of("m", task("bad", "square", "good", "7", reply)));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> j.xlen(keys.dead()) == 5 && j.xlen(reply) == 4);
      List<String> codes = new ArrayList<>();
      for (StreamEntry e : all(j, keys.dead())) {
        Wire.Dead d = readDead(e);
        codes.add(d.code());
        assertThat(d.reason()).isNotBlank();
        assertThat(d.worker()).isEqualTo(worker.consumer());
        assertThat(d.deliveries()).isEqualTo(1);
      }
      assertThat(codes)
          .containsExactlyInAnyOrder(
              Wire.BAD_JSON,
              Wire.BAD_ENTRY,
              Wire.UNSUPPORTED_VERSION,
              Wire.WRONG_STREAM,
              Wire.BAD_PAYLOAD);
      // Tasks whose id and reply were readable got an error result: the graph counts them failed.
      Map<String, String> results = new ConcurrentHashMap<>();
      for (StreamEntry e : all(j, reply)) {
        String m = e.getFields().get("m");
        String id = m.replaceAll(".*?\"id\":\"([^\"]*)\".*", "$1");
        results.put(id, m);
      }
      assertThat(results).containsOnlyKeys("v2", "cube-1", "str", "good");
      assertThat(results.get("str"))
          .contains("celestialflow.MalformedTask")
          .contains("bad_payload");
      assertThat(results.get("good")).contains("\"status\":\"ok\"").contains("\"value\":49");
      assertThat(j.xlen(keys.tasks())).isZero();
      assertThat(j.xpending(keys.tasks(), RedisBridge.DEFAULT_GROUP).getTotal()).isZero();
    }
  }

  private static Wire.Dead readDead(StreamEntry e) {
    try {
      return Wire.readDead(e.getFields());
    } catch (Wire.Rejection r) {
      throw new AssertionError(r);
    }
  }

  @Test
  void aTaskTheWorkerCannotDecodeFailsInTheGraphWithTheReason(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "types")
                .handle(StageHandler.of("square", TestFunctions.Square.class)) // takes Integer
                .build()
                .start()) {
      TaskStage<String, Long> square =
          RemoteStage.map("square", String.class, Long.class).redis(redis).graph("types").build();
      try (TaskGraph graph = TaskGraph.builder("types").stages(square).build()) {
        GraphResult result = graph.run(square, List.of("not a number"));
        assertThat(result.failures())
            .singleElement()
            .satisfies(f -> {
              assertThat(f.exceptionType()).isEqualTo(DeadLetterException.class.getName());
              assertThat(f.message()).contains("bad_payload");
            });
        RemoteStageTest.assertAccounted(result.stats("square"));
      }
    }
  }

  @Test
  void aGracefulStopFinishesWhatItHoldsAndLeavesTheRestPending(RedisServer server)
      throws Exception {
    Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    StageHandler handler =
        StageHandler.map(
            "work",
            Integer.class,
            Integer.class,
            (Integer x) -> {
              runs.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
              Thread.sleep(150);
              return x;
            });
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      RemoteWorker first =
          RemoteWorker.builder(redis, "stop")
              .handle(handler)
              .concurrency(2)
              .batchSize(2)
              .build()
              .start();
      TaskStage<Integer, Integer> work =
          RemoteStage.map("work", Integer.class, Integer.class).redis(redis).graph("stop").build();
      try (TaskGraph graph = TaskGraph.builder("stop").stages(work).build();
          GraphRun run =
              graph.newRun().input(work, IntStream.range(0, 16).boxed().toList()).start()) {
        await().atMost(Duration.ofSeconds(5)).until(() -> first.stats().processed() >= 2);
        first.stop();
        long doneByFirst = first.stats().processed();
        assertThat(first.stats().inflight()).isZero();
        assertThat(redis.status("stop", "work").workers()).isEmpty(); // heartbeat removed
        assertThat(doneByFirst).isLessThan(16);
        try (RemoteWorker second =
            RemoteWorker.builder(redis, "stop").handle(handler).concurrency(4).build().start()) {
          GraphResult result = run.await();
          assertThat(result.outputs(work))
              .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 16).boxed().toList());
          assertThat(second.stats().processed()).isEqualTo(16 - doneByFirst);
          assertThat(second.stats().reclaimed()).isZero(); // nothing was left half-done
        }
      }
      assertThat(runs).hasSize(16);
      assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }
  }

  @Test
  void aTaskLongerThanTheWorkersTaskTimeoutIsAnErrorResultAndTheWorkerGoesOn(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "timeout")
                .handle(
                    StageHandler.map(
                        "slow",
                        Integer.class,
                        Integer.class,
                        (Integer x) -> {
                          if (x == 1) {
                            Thread.sleep(20_000); // interrupted by the timeout
                          }
                          return x;
                        }))
                .concurrency(1)
                .taskTimeout(Duration.ofMillis(300))
                .build()
                .start()) {
      TaskStage<Integer, Integer> slow =
          RemoteStage.map("slow", Integer.class, Integer.class)
              .redis(redis)
              .graph("timeout")
              .build();
      try (TaskGraph graph = TaskGraph.builder("timeout").stages(slow).build()) {
        long t0 = System.nanoTime();
        GraphResult result = graph.run(slow, List.of(1, 2, 3));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.outputs(slow)).containsExactlyInAnyOrder(2, 3);
        assertThat(result.failures())
            .singleElement()
            .satisfies(f -> {
              assertThat(f.exceptionType()).isEqualTo(RemoteWorkerException.class.getName());
              assertThat(f.message())
                  .contains("java.util.concurrent.TimeoutException")
                  .contains("task timeout of 300 ms");
            });
        RemoteStageTest.assertAccounted(result.stats("slow"));
        assertThat(worker.stats().failed()).isEqualTo(1);
      }
    }
  }

  @Test
  void theCommandLineReportsMistakes() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        WorkerCommand.run(
            new String[] {"--redis", "redis://127.0.0.1:1", "--graph", "g", "--worker", "s"},
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(new byte[0]));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--worker s has no --function")
        .contains("usage:");
    err.reset();
    status =
        WorkerCommand.run(
            new String[] {
              "--redis",
              "redis://127.0.0.1:1",
              "--graph",
              "g",
              "--worker",
              "s",
              "--function",
              "no.Such"
            },
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(new byte[0]));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("class no.Such is not on the class path");
  }
}

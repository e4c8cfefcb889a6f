package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.RetryPolicy;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Task messages carry the engine's run id, task ids, parents and attempts when the graph has the
 * {@link RemoteStage#lineage()} observer and the run tracks lineage. A worker written here by hand
 * records every message it reads, and fails the first attempt of one task so that the stage's retry
 * policy sends it again.
 */
@ExtendWith(RedisExtension.class)
@Timeout(30)
class LineageTest {

  /** Serves "square" of graph "lineage" by hand: records each task, fails 3's first attempt. */
  private static final class ManualWorker implements AutoCloseable {
    final List<Wire.Task> seen = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    ManualWorker(RedisServer server, RedisKeys keys) {
      try (Jedis j = server.client()) {
        Exchange.createGroup(j, keys.tasks(), RedisBridge.DEFAULT_GROUP);
      }
      thread =
          Thread.ofPlatform()
              .name("manual-worker")
              .start(() -> {
                try (Jedis j = server.client()) {
                  while (!stop) {
                    serve(j, keys);
                  }
                }
              });
    }

    private void serve(Jedis j, RedisKeys keys) {
      List<Map.Entry<String, List<StreamEntry>>> got =
          j.xreadGroup(
              RedisBridge.DEFAULT_GROUP,
              "manual",
              XReadGroupParams.xReadGroupParams().count(16).block(50),
              Map.of(keys.tasks(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
      if (got == null) {
        return;
      }
      for (StreamEntry e : got.get(0).getValue()) {
        Wire.Task t;
        try {
          t = Wire.readTask(e.getFields(), keys.graph(), keys.stage());
        } catch (Wire.Rejection r) {
          throw new AssertionError(r);
        }
        seen.add(t);
        int x = t.payload().getAsInt();
        long now = System.currentTimeMillis();
        String result =
            x == 3 && t.attempt() == 1
                ? Wire.error(
                    t,
                    Wire.ErrorInfo.of(new IllegalStateException("first attempt fails")),
                    "manual",
                    1,
                    now,
                    now)
                : Wire.ok(t, Wire.Shape.VALUE, Long.toString((long) x * x), "manual", 1, now, now);
        j.xadd(t.reply(), StreamEntryID.NEW_ENTRY, Map.of(Wire.FIELD, result));
        j.xack(keys.tasks(), RedisBridge.DEFAULT_GROUP, e.getID());
        j.xdel(keys.tasks(), e.getID());
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(Duration.ofSeconds(5));
    }
  }

  private static TaskStage<Integer, Long> square(RedisBridge redis) {
    return RemoteStage.map("square", Integer.class, Long.class)
        .redis(redis)
        .graph("lineage")
        .retry(
            RetryPolicy.on(RemoteWorkerException.class)
                .maxAttempts(2)
                .backoff(Duration.ofMillis(10)))
        .build();
  }

  @Test
  void messagesCarryTheEnginesRunIdTaskIdsParentsAndAttempts(RedisServer server) throws Exception {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        ManualWorker worker = new ManualWorker(server, redis.keys("lineage", "square"))) {
      TaskStage<String, Integer> parse =
          TaskStage.map("parse", (String s) -> Integer.parseInt(s)).build();
      TaskStage<Integer, Long> square = square(redis);
      assertThat(RemoteStage.isRemote(square)).isTrue();
      assertThat(RemoteStage.isRemote(parse)).isFalse();
      try (TaskGraph graph =
          TaskGraph.builder("lineage")
              .stages(parse, square)
              .edge(parse, square)
              .observer(RemoteStage.lineage())
              .build()) {
        GraphResult result;
        String runId;
        try (GraphRun run =
            graph.newRun().trackLineage().input(parse, List.of("1", "2", "3")).start()) {
          runId = run.runId();
          result = run.await();
        }
        assertThat(result.outputs(square)).containsExactlyInAnyOrder(1L, 4L, 9L);
        assertThat(result.failures()).isEmpty();
        assertThat(result.stats("square").retries()).isEqualTo(1);
        RemoteStageTest.assertAccounted(result.stats("square"));

        assertThat(worker.seen).hasSize(4).allSatisfy(t -> assertThat(t.run()).isEqualTo(runId));
        Map<Integer, List<Wire.Task>> byValue =
            worker.seen.stream().collect(Collectors.groupingBy(t -> t.payload().getAsInt()));
        for (int x = 1; x <= 3; x++) {
          Wire.Task first = byValue.get(x).get(0);
          // parse's tasks (the inputs) are engine tasks 1..3; its outputs are new tasks whose
          // parent is the parse task they came from.
          assertThat(first.attempt()).isEqualTo(1);
          assertThat(Long.parseLong(first.id())).isGreaterThan(3);
          assertThat(first.parents())
              .singleElement()
              .satisfies(p -> {
                assertThat(Long.parseLong(p)).isBetween(1L, 3L);
              });
        }
        assertThat(byValue.get(1).get(0).parents())
            .doesNotContainAnyElementsOf(byValue.get(2).get(0).parents());
        // 3 failed once: the retry is the same engine task, attempt 2, under a new message id.
        assertThat(byValue.get(3)).hasSize(2);
        Wire.Task retry = byValue.get(3).get(1);
        Wire.Task original = byValue.get(3).get(0);
        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(retry.id()).isEqualTo(original.id() + ".2");
        assertThat(retry.parents()).isEqualTo(original.parents());
      }
    }
  }

  @Test
  void withoutTheObserverMessagesCarryTheClientsOwnIds(RedisServer server) throws Exception {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        ManualWorker worker = new ManualWorker(server, redis.keys("lineage", "square"))) {
      TaskStage<Integer, Long> square = square(redis);
      try (TaskGraph graph = TaskGraph.builder("lineage").stages(square).build()) {
        GraphResult result = graph.newRun().trackLineage().input(square, List.of(1, 2)).run();
        assertThat(result.outputs(square)).containsExactlyInAnyOrder(1L, 4L);
        String client = redis.status("lineage", "square").client().run();
        assertThat(worker.seen)
            .hasSize(2)
            .allSatisfy(t -> {
              assertThat(t.run()).isEqualTo(client);
              assertThat(t.id()).startsWith(client + "-");
              assertThat(t.parents()).isEmpty();
              assertThat(t.attempt()).isEqualTo(1);
            });
      }
    }
  }
}

package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/** TaskRedisSink, TaskRedisAck and TaskRedisSource against a real redis-server. */
@ExtendWith(RedisExtension.class)
@Timeout(30)
@SuppressWarnings("try") // workers run in the background of try-with-resources
class BuildingBlocksTest {

  @Test
  void aSinkHandsTasksToTwoSourcesInAnotherGraphAndTheEndMarkersEndThem(RedisServer server)
      throws Exception {
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      TaskRedisSink<Integer> sink =
          TaskRedisSink.builder(redis, "shop", "orders", Integer.class).build();
      TaskStage<Integer, String> push = sink.stage("push");
      try (TaskGraph producer = TaskGraph.builder("producer").stages(push).build()) {
        GraphResult sent = producer.run(push, IntStream.range(0, 300).boxed().toList());
        assertThat(sent.outputs(push)).hasSize(300).doesNotHaveDuplicates();
      }
      try (Jedis j = server.client()) {
        j.xadd(
            redis.keys("shop", "orders").tasks(), StreamEntryID.NEW_ENTRY, Map.of("m", "not json"));
      }
      sink.end(2);

      List<CompletableFuture<GraphResult>> runs = new ArrayList<>();
      List<TaskGraph> graphs = new ArrayList<>();
      List<TaskStage<Integer, Integer>> doubles = new ArrayList<>();
      List<TaskRedisSource<Integer>> sources = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        TaskRedisSource<Integer> source =
            TaskRedisSource.builder(redis, "shop", "orders", Integer.class).batchSize(16).build();
        TaskStage<Integer, Integer> twice = TaskStage.map("twice", (Integer x) -> 2 * x).build();
        TaskGraph g = TaskGraph.builder("consumer" + i).stages(twice).build();
        sources.add(source);
        doubles.add(twice);
        graphs.add(g);
        runs.add(g.newRun().input(twice, source).start().result());
      }
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        all.addAll(runs.get(i).get().outputs(doubles.get(i)));
        graphs.get(i).close();
      }
      assertThat(all)
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 300).map(x -> 2 * x).boxed().toList());
      long dead = sources.get(0).counts()[1] + sources.get(1).counts()[1];
      assertThat(dead).isEqualTo(1);
      try (Jedis j = server.client()) {
        RedisKeys keys = redis.keys("shop", "orders");
        assertThat(j.xlen(keys.tasks())).isZero();
        assertThat(j.xlen(keys.dead())).isEqualTo(1);
        assertThat(j.xrange(keys.dead(), (StreamEntryID) null, null, 1).get(0).getFields().get("m"))
            .contains("\"code\":\"bad_json\"")
            .contains("\"raw\":\"not json\"");
      }
      sink.close();
    }
  }

  @Test
  void aSinkWithRepliesAndItsAckMakeARemoteStageInTwoSteps(RedisServer server) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "split")
                .handle(StageHandler.of("square", TestFunctions.Square.class))
                .build()
                .start()) {
      TaskRedisSink<Integer> sink =
          TaskRedisSink.builder(redis, "split", "square", Integer.class).withReplies().build();
      TaskRedisAck<Long> ack = sink.ack(Long.class);
      TaskStage<Integer, String> send = sink.stage("send");
      TaskStage<String, Long> await = ack.stage("await");
      try (TaskGraph graph =
          TaskGraph.builder("split").stages(send, await).edge(send, await).build()) {
        GraphResult result = graph.run(send, IntStream.range(0, 200).boxed().toList());
        assertThat(result.outputs(await))
            .containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 200).mapToObj(i -> (long) i * i).toList());
        RemoteStageTest.assertAccounted(result.stats("send"));
        RemoteStageTest.assertAccounted(result.stats("await"));
      }
      assertThat(ack.await("no-such-id")).isCompletedExceptionally();
      TaskRedisSink<Integer> noReplies =
          TaskRedisSink.builder(redis, "split", "other", Integer.class).build();
      assertThatThrownBy(() -> noReplies.ack(Long.class)).hasMessageContaining("withReplies()");
    }
  }

  @Test
  void aKeptOpenSourceIgnoresEndMarkersAndEndsWhenClosed(RedisServer server) throws Exception {
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      TaskRedisSink<String> sink =
          TaskRedisSink.builder(redis, "feed", "lines", String.class).build();
      TaskRedisSource<String> source =
          TaskRedisSource.builder(redis, "feed", "lines", String.class)
              .keepOpen()
              .blockTime(Duration.ofMillis(50))
              .build();
      TaskStage<String, Integer> length = TaskStage.map("length", String::length).build();
      try (TaskGraph graph = TaskGraph.builder("feed").stages(length).build();
          GraphRun run = graph.newRun().input(length, source).start()) {
        sink.append("a").get();
        sink.end();
        sink.append("bbb").get();
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> run.status().stats("length").succeeded() == 2);
        assertThat(run.isDone()).isFalse();
        source.close();
        GraphResult result = run.await();
        assertThat(result.outputs(length)).containsExactlyInAnyOrder(1, 3);
      }
      sink.close();
    }
  }
}

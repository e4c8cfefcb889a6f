package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.StageStats;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Redis restarted or gone mid-run: finish, or fail clearly; never hang, never count twice. */
@ExtendWith(RedisExtension.class)
@Timeout(60)
@SuppressWarnings("try") // workers run in the background of try-with-resources
class RedisRestartTest {

  private static List<TestFunctions.Job> jobs(int n, int millis) {
    return IntStream.range(0, n).mapToObj(i -> new TestFunctions.Job(i, millis)).toList();
  }

  @Test
  void aRunSurvivesARedisRestartAndCountsEachTaskOnce(RedisServer server) throws Exception {
    try (RedisBridge redis =
            RedisBridge.builder(server.uri()).reconnectTimeout(Duration.ofSeconds(20)).build();
        RemoteWorker worker =
            RemoteWorker.builder(redis, "restart")
                .handle(StageHandler.of("square", TestFunctions.SlowSquare.class))
                .concurrency(4)
                .idleClaim(Duration.ofSeconds(1))
                .build()
                .start()) {
      TaskStage<TestFunctions.Job, Long> square =
          RemoteStage.map("square", TestFunctions.Job.class, Long.class)
              .redis(redis)
              .graph("restart")
              .maxOutstanding(64)
              .build();
      try (TaskGraph graph = TaskGraph.builder("restart").stages(square).build();
          GraphRun run = graph.newRun().input(square, jobs(400, 5)).start()) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> run.status().stats("square").succeeded() >= 100);
        server.restart(); // empty: every stream, group and pending entry is gone
        GraphResult result = run.await();
        assertThat(result.outputs(square))
            .containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 400).mapToObj(i -> (long) i * i).toList());
        StageStats s = result.stats("square");
        RemoteStageTest.assertAccounted(s);
        assertThat(s.succeeded()).isEqualTo(400);
        assertThat(s.failed()).isZero();
        assertThat(redis.status("restart", "square").client().resent()).isPositive();
      }
    }
  }

  @Test
  void anUnreachableRedisFailsTheWaitingTasksNamingTheAddress(RedisServer server) throws Exception {
    try (RedisBridge redis =
            RedisBridge.builder(server.uri()).reconnectTimeout(Duration.ofSeconds(1)).build();
        RemoteWorker worker =
            RemoteWorker.builder(redis, "gone")
                .handle(StageHandler.of("square", TestFunctions.SlowSquare.class))
                .concurrency(1)
                .shutdownTimeout(Duration.ofMillis(500))
                .build()
                .start()) {
      TaskStage<TestFunctions.Job, Long> square =
          RemoteStage.map("square", TestFunctions.Job.class, Long.class)
              .redis(redis)
              .graph("gone")
              .build();
      try (TaskGraph graph = TaskGraph.builder("gone").stages(square).build();
          GraphRun run = graph.newRun().input(square, jobs(50, 50)).start()) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> run.status().stats("square").succeeded() >= 3);
        server.kill();
        long killed = System.nanoTime();
        GraphResult result = run.await();
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(10));
        StageStats s = result.stats("square");
        RemoteStageTest.assertAccounted(s);
        assertThat(s.received()).isEqualTo(50);
        assertThat(s.succeeded()).isBetween(3L, 49L);
        assertThat(s.failed()).isEqualTo(50 - s.succeeded());
        assertThat(result.failures())
            .allSatisfy(f -> {
              assertThat(f.exceptionType()).isEqualTo(RedisUnavailableException.class.getName());
              assertThat(f.message())
                  .contains("Redis at 127.0.0.1:" + server.port() + " is unreachable");
            });
      } finally {
        server.restart(); // for the other tests of the class
      }
    }
  }

  @Test
  void aRedisThatIsNotThereFailsEveryTaskQuickly() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    try (RedisBridge redis =
        RedisBridge.builder("redis://127.0.0.1:" + port)
            .reconnectTimeout(Duration.ofMillis(500))
            .build()) {
      TaskStage<Integer, Long> square =
          RemoteStage.map("square", Integer.class, Long.class).redis(redis).graph("none").build();
      try (TaskGraph graph = TaskGraph.builder("none").stages(square).build()) {
        long start = System.nanoTime();
        GraphResult result = graph.run(square, IntStream.range(0, 1000).boxed().toList());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.stats("square").failed()).isEqualTo(1000);
        assertThat(result.failures().get(0).message())
            .contains("Redis at 127.0.0.1:" + port + " is unreachable: gave up after 500 ms");
      }
    }
  }
}

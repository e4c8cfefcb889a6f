package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.StageStats;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Randomized kill -9 trials: in each, a graph sends jobs to two worker JVMs, one of which is killed
 * (SIGKILL) at a random moment mid-batch. Its pending entries must be reclaimed by the survivor
 * after the idle-claim time: 0 tasks lost, every output right, each task counted once, and every
 * reclaimed task finished within idle time + 1 s of the kill. 20 trials in the default suite; the
 * {@code soak} tag runs 200: {@code -Dgroups=soak -Dredis.excludedGroups=none} (and {@code
 * -Dcelestialflow.soak.trials=N} for another count).
 */
@ExtendWith(RedisExtension.class)
class KillTrialsTest {
  static final Duration IDLE = Duration.ofMillis(600);
  static final int JOBS = 40;
  static final int MAX_JOB_MS = 60;

  @Test
  @Timeout(150)
  void twentyRandomizedKillTrials(RedisServer server) throws Exception {
    trials(server, 20, System.nanoTime());
  }

  @Test
  @Tag("soak")
  @Timeout(1800)
  void twoHundredRandomizedKillTrials(RedisServer server) throws Exception {
    trials(server, Integer.getInteger("celestialflow.soak.trials", 200), System.nanoTime());
  }

  private static WorkerJvm spawn(RedisServer server, String consumer) throws Exception {
    return WorkerJvm.remoteWorker(
        server,
        "kill",
        "square",
        TestFunctions.SlowSquare.class,
        consumer,
        "--concurrency",
        "4",
        "--batch",
        "4",
        "--idle-claim",
        String.valueOf(IDLE.toMillis()),
        "--heartbeat",
        "200");
  }

  private static void awaitReady(RedisBridge redis, WorkerJvm w) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() ->
            redis.status("kill", "square").liveWorkers().stream()
                .anyMatch(h -> h.consumer().equals(w.consumer())));
  }

  static void trials(RedisServer server, int count, long seed) throws Exception {
    Random random = new Random(seed);
    System.err.println("kill trials: " + count + ", seed " + seed);
    List<RemoteResult> results = new CopyOnWriteArrayList<>();
    long reclaimedTotal = 0;
    long maxRecoveryMs = 0;
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        WorkerJvm survivor = spawn(server, "survivor")) {
      TaskStage<TestFunctions.Job, Long> square =
          RemoteStage.map("square", TestFunctions.Job.class, Long.class)
              .redis(redis)
              .graph("kill")
              .onResult(results::add)
              .build();
      List<WorkerJvm> victims = new ArrayList<>();
      try (TaskGraph graph = TaskGraph.builder("kill").stages(square).build()) {
        WorkerJvm next = spawn(server, "victim-0");
        victims.add(next);
        awaitReady(redis, survivor);
        for (int trial = 0; trial < count; trial++) {
          WorkerJvm victim = next;
          awaitReady(redis, victim);
          next = trial + 1 < count ? spawn(server, "victim-" + (trial + 1)) : null;
          if (next != null) {
            victims.add(next);
          }
          results.clear();
          int base = trial * 1000;
          List<TestFunctions.Job> jobs =
              IntStream.range(0, JOBS)
                  .mapToObj(
                      i -> new TestFunctions.Job(base + i, 20 + random.nextInt(MAX_JOB_MS - 19)))
                  .toList();
          long killAfter = 40L + random.nextInt(220);
          long killedAt;
          GraphResult result;
          try (GraphRun run = graph.newRun().input(square, jobs).start()) {
            Thread.sleep(killAfter);
            killedAt = System.currentTimeMillis();
            victim.kill9();
            result = run.await();
          }
          String where = "trial " + trial + " (seed " + seed + ", kill after " + killAfter + " ms)";
          assertThat(result.outputs(square))
              .as(where)
              .containsExactlyInAnyOrderElementsOf(
                  jobs.stream().map(j -> (long) j.n() * j.n()).toList());
          StageStats s = result.stats("square");
          RemoteStageTest.assertAccounted(s);
          assertThat(s.succeeded()).as(where).isEqualTo(JOBS);
          assertThat(result.failures()).as(where).isEmpty();
          for (RemoteResult r : results) {
            if (r.delivery() > 1) {
              reclaimedTotal++;
              long recovery = r.finished().toEpochMilli() - killedAt;
              maxRecoveryMs = Math.max(maxRecoveryMs, recovery);
              assertThat(recovery)
                  .as(
                      where
                          + ": reclaimed task "
                          + r.id()
                          + " finished "
                          + recovery
                          + " ms after the kill")
                  .isLessThanOrEqualTo(IDLE.toMillis() + 1000 + MAX_JOB_MS);
              assertThat(r.worker()).as(where).isNotEqualTo(victim.consumer());
            }
          }
        }
      } finally {
        victims.forEach(WorkerJvm::close);
      }
      assertThat(survivor.isAlive()).isTrue();
    }
    System.err.printf(
        "kill trials: %d done, %d tasks reclaimed from killed workers, slowest recovery %d ms"
            + " (limit %d ms)%n",
        count, reclaimedTotal, maxRecoveryMs, IDLE.toMillis() + 1000 + MAX_JOB_MS);
    assertThat(reclaimedTotal).as("some trials killed a worker holding tasks").isPositive();
  }
}

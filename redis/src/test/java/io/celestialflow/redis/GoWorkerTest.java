package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.reflect.TypeToken;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end with the Go worker (issue 12): the {@code cfworker} binary, built from {@code
 * ../go-worker}, serves remote stages of a Java graph; its results flow into downstream Java
 * stages. Real redis-server, real Go processes.
 */
@ExtendWith(RedisExtension.class)
@Timeout(60)
@SuppressWarnings("try") // workers run in the background of try-with-resources
class GoWorkerTest {
  private static final Type LONGS = new TypeToken<List<Long>>() {}.getType();

  @BeforeAll
  @Timeout(300) // a first build on a fresh machine downloads go-redis through the module proxy
  static void build() throws Exception {
    GoWorkerBinary.get();
  }

  @Test
  void goComputesAndJavaStagesDownstreamGetExactValues(RedisServer server) throws Exception {
    try (ChildProcess go =
            GoWorkerBinary.start(server, "gojava", "sum,upper,fib", "go-1", "-concurrency", "4");
        RedisBridge redis = RedisBridge.connect(server.uri())) {
      TaskStage<List<Long>, Long> sum =
          RemoteStage.<List<Long>, Long>map("sum", LONGS, Long.class)
              .redis(redis)
              .graph("gojava")
              .build();
      TaskStage<Long, String> exact = TaskStage.map("exact", (Long x) -> Long.toString(x)).build();
      TaskStage<String, String> upper =
          RemoteStage.map("upper", String.class, String.class).redis(redis).graph("gojava").build();
      TaskStage<String, String> greet = TaskStage.map("greet", (String s) -> s + "!").build();
      TaskStage<Integer, Long> fib =
          RemoteStage.map("fib", Integer.class, Long.class).redis(redis).graph("gojava").build();
      TaskStage<Long, Long> plusOne = TaskStage.map("plusOne", (Long x) -> x + 1).build();
      try (TaskGraph graph =
          TaskGraph.builder("gojava")
              .stages(sum, exact, upper, greet, fib, plusOne)
              .edge(sum, exact)
              .edge(upper, greet)
              .edge(fib, plusOne)
              .build()) {
        GraphResult result =
            graph
                .newRun()
                .input(
                    sum,
                    List.of(
                        List.of(9_007_199_254_740_993L, 1L), // 2^53 + 1: not a double
                        List.of(Long.MAX_VALUE - 1, 1L),
                        List.of(Long.MIN_VALUE, 0L),
                        List.of(1L, 2L, 3L)))
                .input(upper, List.of("hello", "größe", "𝄞 clef"))
                .input(fib, List.of(0, 1, 10, 25))
                .run();
        assertThat(result.failures()).isEmpty();
        assertThat(result.outputs(exact))
            .containsExactlyInAnyOrder(
                "9007199254740994", "9223372036854775807", "-9223372036854775808", "6");
        // Go's strings.ToUpper maps letter by letter: ß stays ß (Java's toUpperCase gives SS).
        assertThat(result.outputs(greet)).containsExactlyInAnyOrder("HELLO!", "GRÖßE!", "𝄞 CLEF!");
        assertThat(result.outputs(plusOne)).containsExactlyInAnyOrder(1L, 2L, 56L, 75_026L);
        for (String stage : List.of("sum", "upper", "fib")) {
          RemoteStageTest.assertAccounted(result.stats(stage));
        }
        // The Go worker's heartbeat is visible from Java.
        assertThat(redis.status("gojava", "sum").liveWorkers())
            .singleElement()
            .satisfies(w -> {
              assertThat(w.consumer()).isEqualTo("go-1");
              assertThat(w.lang()).isEqualTo("go");
            });
      }
    }
  }

  @Test
  void theGoDemoPrintsResultsAndWhichWorkerDidWhat(RedisServer server) throws Exception {
    try (ChildProcess go = GoWorkerBinary.start(server, "godemo", "fib,sum", "go-1")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = GoDemo.run(server.uri(), 20, new PrintStream(out, true, StandardCharsets.UTF_8));
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(status).as(printed).isZero();
      assertThat(printed)
          .contains("fib(11..20): [fib=89, fib=144, fib=233, fib=377, fib=610, fib=987,")
          .contains("fib=6765]")
          .contains("sums (exact 64-bit): [sum=9007199254740994, sum=9223372036854775807]")
          .contains("worker go-1 ran 12 tasks");
    }
  }

  @Test
  void aGoWorkerKilledMidRunIsReplacedAndNothingIsLostOrCountedTwice(RedisServer server)
      throws Exception {
    int n = 150;
    List<Long> payloads = IntStream.range(0, n).mapToObj(i -> 20L + i % 7).toList();
    Map<String, AtomicInteger> byWorker = new ConcurrentHashMap<>();
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        ChildProcess first =
            GoWorkerBinary.start(
                server, "gokill", "sleep", "go-first", "-concurrency", "4", "-claim-idle", "1s")) {
      TaskStage<Long, Long> sleep =
          RemoteStage.map("sleep", Long.class, Long.class)
              .redis(redis)
              .graph("gokill")
              .onResult(r ->
                  byWorker.computeIfAbsent(r.worker(), k -> new AtomicInteger()).incrementAndGet())
              .build();
      TaskStage<Long, Long> twice = TaskStage.map("twice", (Long x) -> 2 * x).build();
      try (TaskGraph graph =
              TaskGraph.builder("gokill").stages(sleep, twice).edge(sleep, twice).build();
          GraphRun run = graph.newRun().input(sleep, payloads).start()) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> byWorker.getOrDefault("go-first", new AtomicInteger()).get() >= 20);
        first.kill9(); // mid-run: it holds entries it fetched and has not committed
        long killedAt = System.nanoTime();
        int doneByFirst = byWorker.get("go-first").get();
        assertThat(doneByFirst).isLessThan(n);
        try (ChildProcess second =
            GoWorkerBinary.start(
                server, "gokill", "sleep", "go-second", "-concurrency", "4", "-claim-idle", "1s")) {
          GraphResult result = run.await();
          Duration recovery = Duration.ofNanos(System.nanoTime() - killedAt);
          assertThat(result.failures()).isEmpty();
          assertThat(result.outputs(twice))
              .containsExactlyInAnyOrderElementsOf(payloads.stream().map(x -> 2 * x).toList());
          RemoteStageTest.assertAccounted(result.stats("sleep"));
          assertThat(result.stats("sleep").succeeded()).isEqualTo(n);
          assertThat(result.stats("sleep").duplicates()).isZero();
          assertThat(result.stats("twice").succeeded()).isEqualTo(n);
          // Each task settled once: by the first worker before the kill, or by the second.
          assertThat(byWorker.keySet()).containsExactlyInAnyOrder("go-first", "go-second");
          assertThat(byWorker.get("go-first").get() + byWorker.get("go-second").get()).isEqualTo(n);
          assertThat(recovery).isLessThan(Duration.ofSeconds(20));
          assertThat(second.stderr()).contains("claimed idle entries");
        }
      }
    }
  }
}

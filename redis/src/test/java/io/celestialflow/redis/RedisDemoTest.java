package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.redis.graphs.DemoGraph;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The demo's graph side, with two worker JVMs started as the demo script starts them. */
@ExtendWith(RedisExtension.class)
class RedisDemoTest {
  private static ChildProcess worker(RedisServer server, String consumer) throws Exception {
    return ChildProcess.java(
        consumer,
        DemoGraph.class,
        List.of("--worker", "square", "--redis", server.uri(), "--worker-consumer", consumer),
        Map.of());
  }

  @Test
  @Timeout(60)
  void theDemoPrintsTheResultsAndWhichWorkerDidWhat(RedisServer server) throws Exception {
    try (ChildProcess one = worker(server, "worker-1");
        ChildProcess two = worker(server, "worker-2")) {
      one.awaitLine(l -> l.startsWith("ready "), Duration.ofSeconds(30));
      two.awaitLine(l -> l.startsWith("ready "), Duration.ofSeconds(30));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status =
          RedisDemo.run(server.uri(), 60, new PrintStream(out, true, StandardCharsets.UTF_8));
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(status).as(printed).isZero();
      assertThat(printed)
          .contains(
              "results: ["
                  + IntStream.rangeClosed(1, 60)
                      .mapToObj(i -> "#" + (long) i * i)
                      .collect(Collectors.joining(", "))
                  + "]")
          .containsPattern("worker worker-[12] ran \\d+ tasks")
          .contains("succeeded=60");
    }
  }
}

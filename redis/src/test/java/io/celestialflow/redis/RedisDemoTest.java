package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The demo's graph side, with two worker JVMs started as the demo script starts them. */
@ExtendWith(RedisExtension.class)
class RedisDemoTest {
  @Test
  @Timeout(60)
  void theDemoPrintsTheResultsAndWhichWorkerDidWhat(RedisServer server) throws Exception {
    try (WorkerJvm one =
            WorkerJvm.remoteWorker(server, "demo", "square", RedisDemo.Square.class, "worker-1");
        WorkerJvm two =
            WorkerJvm.remoteWorker(server, "demo", "square", RedisDemo.Square.class, "worker-2")) {
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

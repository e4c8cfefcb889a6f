package io.celestialflow.redis;

import java.time.Duration;

/**
 * A worker JVM that dies (halt, no shutdown hooks) once it has run its first batch of tasks, just
 * before the commit that would write their results and acknowledge them. Arguments: Redis URI,
 * graph, stage (the stage squares integers).
 */
public final class HaltingWorker {
  private HaltingWorker() {}

  /**
   * Runs until the first batch is about to be committed, then halts.
   *
   * @param args URI, graph, stage
   */
  public static void main(String[] args) throws InterruptedException {
    RedisBridge redis = RedisBridge.connect(args[0]);
    RemoteWorker worker =
        RemoteWorker.builder(redis, args[1])
            .handle(StageHandler.of(args[2], TestFunctions.Square.class))
            .consumer("halting")
            .batchSize(8)
            .concurrency(2)
            .idleClaim(Duration.ofMillis(500))
            .beforeCommit(written -> Runtime.getRuntime().halt(3))
            .build()
            .start();
    worker.awaitStop();
  }
}

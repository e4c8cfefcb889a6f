package io.celestialflow.redis;

import java.time.Duration;

/**
 * A worker JVM that dies (halt, no shutdown hooks) right after writing its first batch of results
 * and before acknowledging them: the crash the result-before-ack rule is for. Arguments: Redis URI,
 * graph, stage (the stage squares integers).
 */
public final class HaltingWorker {
  private HaltingWorker() {}

  /**
   * Runs until the first batch is written, then halts.
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
            .beforeAck(written -> Runtime.getRuntime().halt(3))
            .build()
            .start();
    worker.awaitStop();
  }
}

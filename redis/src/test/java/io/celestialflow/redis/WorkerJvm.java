package io.celestialflow.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker in a JVM of its own, started with the test class path ({@link RemoteWorker#main}), so
 * that tests can kill it with SIGKILL. It also stops when its standard input ends, so it never
 * outlives the test JVM; {@link #close()} kills it in any case. Its output goes to a file under
 * {@code target/worker-logs}.
 */
final class WorkerJvm implements AutoCloseable {
  private final Process process;
  private final String consumer;
  private final Path log;

  private WorkerJvm(Process process, String consumer, Path log) {
    this.process = process;
    this.consumer = consumer;
    this.log = log;
  }

  static WorkerJvm start(String mainClass, String consumer, List<String> args) throws IOException {
    Path logs = Path.of("target", "worker-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve(consumer + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    cmd.add("-Xmx128m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    cmd.add("--consumer");
    cmd.add(consumer);
    cmd.add("--exit-with-stdin");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    return new WorkerJvm(p, consumer, log);
  }

  /** A {@link RemoteWorker#main} JVM serving one stage. */
  static WorkerJvm remoteWorker(
      RedisServer redis,
      String graph,
      String stage,
      Class<?> function,
      String consumer,
      String... more)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--redis",
            redis.uri(),
            "--graph",
            graph,
            "--worker",
            stage,
            "--function",
            function.getName()));
    args.addAll(List.of(more));
    return start(RemoteWorker.class.getName(), consumer, args);
  }

  String consumer() {
    return consumer;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is acknowledged. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("worker " + consumer + " did not die");
    }
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

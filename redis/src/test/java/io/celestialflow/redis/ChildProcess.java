package io.celestialflow.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process a test starts — a JVM running a graph class, the Go worker — whose standard output is
 * kept line by line (tests wait for a {@code ready} line) and whose standard error goes to a file
 * under {@code target/worker-logs}. {@link #close()} kills it (SIGKILL) if it is still running, so
 * none outlives its test.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.reader =
        Thread.ofPlatform()
            .daemon(true)
            .name("stdout-" + name)
            .start(() -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process is gone
              }
            });
  }

  /** Starts {@code command} with these extra environment variables. */
  static ChildProcess start(String name, List<String> command, Map<String, String> env)
      throws IOException {
    Path logs = Path.of("target", "worker-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
    pb.environment().putAll(env);
    return new ChildProcess(name, pb.start(), log);
  }

  /** Starts a JVM with the test class path running {@code mainClass}. */
  static ChildProcess java(
      String name, Class<?> mainClass, List<String> args, Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    cmd.add("-Xmx128m");
    cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    return start(name, cmd, env);
  }

  /** Waits for a line of standard output that matches, and returns it. */
  String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        for (String l : lines) {
          if (match.test(l)) {
            return l;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          throw new AssertionError(
              name
                  + ": no matching line on standard output within "
                  + timeout
                  + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
                  + "; stdout: "
                  + lines
                  + "; stderr: "
                  + stderr());
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** Waits for the process to exit and for its output to be read, and returns its status. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running after " + timeout + "; " + stderr());
    }
    reader.join(Duration.ofSeconds(5));
    return process.exitValue();
  }

  /** Everything it printed on standard output so far. */
  String stdout() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** Its standard error so far. */
  String stderr() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM: a graceful stop. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: nothing runs after it, nothing is acknowledged. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " did not die");
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

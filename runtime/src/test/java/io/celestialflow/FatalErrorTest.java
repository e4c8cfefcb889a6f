package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An error in an engine thread ends the run and the process; a terminated runner stops promptly.
 * Each case runs in a child JVM (see {@link FatalErrorMain}), where running out of memory or
 * receiving SIGTERM cannot disturb the test JVM.
 */
@Timeout(180)
class FatalErrorTest {
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void noChildLeft() {
    for (Process p : children) {
      p.destroyForcibly();
    }
  }

  private Process start(Path dir, String heap, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(FatalErrorMain.class.getName());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    children.add(p);
    return p;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** 10,000,000 collected outputs in 64 MiB: the run fails with the error, the process ends. */
  @Test
  void runningOutOfMemoryWhileCollectingEndsTheRunWithTheError(@TempDir Path dir) throws Exception {
    Process p = start(dir, "64m", "collect");

    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
    String out = read(dir.resolve("out.txt"));
    assertThat(p.exitValue()).as(out + read(dir.resolve("err.txt"))).isEqualTo(3);
    assertThat(out).contains("run failed:").contains("cause: java.lang.OutOfMemoryError");
  }

  /** The serial layout holds a stage's whole output: in a small heap the run fails, not hangs. */
  @Test
  void runningOutOfMemoryInTheSerialLayoutEndsTheRunWithTheError(@TempDir Path dir)
      throws Exception {
    Process p = start(dir, "64m", "serial");

    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
    String out = read(dir.resolve("out.txt"));
    assertThat(p.exitValue()).as(out + read(dir.resolve("err.txt"))).isEqualTo(3);
    assertThat(out).contains("cause: java.lang.OutOfMemoryError");
  }

  /** SIGTERM to a runner cancels the run; it reports the unfinished tasks and exits promptly. */
  @Test
  void aTerminatedRunnerStopsPromptlyAndReportsWhatItDidNotFinish(@TempDir Path dir)
      throws Exception {
    Path tasks = dir.resolve("tasks.json");
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < 100_000; i++) {
      json.append(i == 0 ? "" : ",").append(i);
    }
    Files.writeString(tasks, json.append("]"));
    Path marker = dir.resolve("running");
    Process p = start(dir, "256m", "terminate", marker.toString(), tasks.toString());
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker));

    p.destroy(); // SIGTERM

    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the runner ended after SIGTERM").isTrue();
    String err = read(dir.resolve("err.txt"));
    assertThat(err).contains("terminated: CANCELLED").contains("slow:").contains("unfinished");
    assertThat(p.exitValue()).as(err).isNotZero();
  }
}

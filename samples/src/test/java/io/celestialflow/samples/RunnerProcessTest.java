package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated runner in a JVM of its own, as {@code java -cp ... QuickStartGraph} starts it: with
 * the samples' logging backend (tinylog) and configuration, which a test JVM shares between tests.
 */
@Timeout(60)
class RunnerProcessTest {
  @TempDir Path dir;

  /** What the child JVM printed, and its exit status. */
  record Ran(int status, String out, String err) {}

  private Ran run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(QuickStartGraph.class.getName());
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(50, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the runner did not end within 50 s");
    }
    return new Ran(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theRunnerStartsWithoutSlf4jWarningsAndLogsNoTaskByDefault() throws Exception {
    Ran r = run("--input", "add=[[1,2],[3,4]]");

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).matches("\\{\"square\":\\[(9,49|49,9)\\]\\}\\n");
    assertThat(r.err()).startsWith("quickstart: COMPLETED in ").doesNotContain("SLF4J", "DEBUG");
  }

  @Test
  void logLevelDebugShowsTheRunnersDebugLinesAndEveryTaskOnStandardError() throws Exception {
    Ran r = run("--input", "add=[[1,2],[3,4]]", "--log-level", "debug");

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).matches("\\{\"square\":\\[(9,49|49,9)\\]\\}\\n");
    assertThat(r.err())
        .contains(" DEBUG [main] GraphLauncher: run ")
        .contains(" of graph 'quickstart' started: layout STREAMING, stages [add (MAP, THREAD x4)")
        .contains(" of graph 'quickstart' ended: COMPLETED in ")
        .doesNotContain("SLF4J");
    List<String> taskLines =
        r.err().lines().filter(l -> l.contains(" DEBUG ") && l.contains("TaskLogging")).toList();
    assertThat(taskLines).hasSize(4);
    assertThat(taskLines)
        .anySatisfy(l -> assertThat(l).contains("add: succeeded in ").endsWith("AddArgs[x=1, y=2]"))
        .anySatisfy(l -> assertThat(l).contains("square: succeeded in ").endsWith(": 7"));

    Ran quiet = run("--input", "add=[[1,2],[3,4]]", "--log-level", "warn");
    assertThat(quiet.status()).isZero();
    assertThat(quiet.err()).doesNotContain("DEBUG", "INFO", "SLF4J");
  }

  @Test
  void helpGoesToStandardOutputWithStatusZero() throws Exception {
    Ran r = run("--help");

    assertThat(r.status()).isZero();
    assertThat(r.out())
        .startsWith("usage: java -cp <class path> io.celestialflow.samples.QuickStartGraph")
        .contains("--log-level LEVEL");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aWrongLevelIsAUsageError() throws Exception {
    Ran r = run("--input", "add=[[1,2]]", "--log-level", "chatty");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("error: --log-level is one of off, error, warn, info, debug");
  }
}

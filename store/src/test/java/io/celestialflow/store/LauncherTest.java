package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.celestialflow.launch.GraphLauncher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The generated runners' store options, in process and in a child JVM stopped with SIGTERM. */
@Timeout(60)
class LauncherTest {
  @TempDir Path dir;

  private record Launch(int status, String out, String err) {}

  private Launch launch(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (var graph = StoreChild.failing("failing")) {
      status =
          GraphLauncher.of(LauncherTest.class, graph)
              .input("boom", Integer.class)
              .run(
                  List.of(args),
                  new PrintStream(out, true, StandardCharsets.UTF_8),
                  new PrintStream(err, true, StandardCharsets.UTF_8));
    }
    return new Launch(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void storeRecordsTheRunAndRetryFailedRunsItsFailuresWithoutInput() {
    Path store = dir.resolve("runs");
    Launch first = launch("--input", "boom=[1,2,3]", "--store", store.toString());
    assertThat(first.status()).as(first.err()).isEqualTo(1); // every task failed
    assertThat(first.err()).contains("run store: recording run ").contains("3 failure(s)");

    Launch retry = launch("--retry-failed", "--store", store.toString());
    assertThat(retry.status()).as(retry.err()).isEqualTo(1);
    assertThat(retry.err())
        .contains("retrying the failures of run ")
        .contains(": 3 failed task(s)");

    Launch filtered =
        launch(
            "--retry-failed", "--store", store.toString(), "--retry-error", "java.io.IOException");
    assertThat(filtered.status()).as(filtered.err()).isZero(); // nothing matched: nothing failed
    assertThat(filtered.err()).contains(": 0 failed task(s)");

    try (RunStore s = RunStore.open(store)) {
      List<RunInfo> runs = s.runs(10);
      assertThat(runs).extracting(RunInfo::originKind).containsExactly("retry", "retry", "run");
      assertThat(runs).extracting(RunInfo::failures).containsExactly(0L, 3L, 3L);
      assertThat(runs.get(1).originRun()).contains(runs.get(2).id());
    }
  }

  @Test
  void mistakesInTheStoreOptionsAreUsageErrors() {
    assertThat(launch("--input", "boom=[1]", "--resume").err())
        .contains("--resume needs a store: --resume=DIR or --store DIR");
    assertThat(launch("--input", "boom=[1]", "--store", dir.toString(), "--run", "x").err())
        .contains("--run goes with --resume or --retry-failed");
    Path runs = dir.resolve("runs");
    RunStore.open(runs).close(); // a store without runs
    Launch empty = launch("--retry-failed", "--store", runs.toString());
    assertThat(empty.status()).isEqualTo(2);
    assertThat(empty.err()).contains("has no run of graph 'failing'");
    Launch unknown = launch("--resume=" + runs, "--run", "nope");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err())
        .isEqualTo("error: the run store in " + runs + " has no run 'nope'; it has no runs yet\n");
    Launch none = launch("--retry-failed", "--store", dir.resolve("none").toString());
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).startsWith("error: there is no run store in ");
    assertThat(dir.resolve("none")).doesNotExist();
    assertThat(launch("--help").out())
        .contains("--store DIR")
        .contains("--resume[=DIR]")
        .contains("--retry-failed")
        .contains("--retry-stage STAGE")
        .contains("--run RUN_ID");
  }

  /**
   * A generated runner stopped with SIGTERM mid-run, then started again with {@code resume RUN_ID}:
   * across both JVMs every input reaches the sink exactly once.
   */
  @Test
  @Timeout(120)
  void aRunnerStoppedBySigtermResumesExactlyWhereItStopped() throws Exception {
    int n = 1500;
    Path input = writeInputs(n);
    Path out = dir.resolve("sink.txt");
    Path store = dir.resolve("runs");
    String[] args = {
      "launch", out.toString(), "--input", "slow=" + input, "--store", store.toString()
    };
    try (ChildJvm first = ChildJvm.start(dir, args)) {
      awaitSinkLines(out, 150);
      first.process.destroy(); // SIGTERM
      first.await(60);
      assertThat(first.err()).contains("run store: recording run");
    }
    String firstRun;
    try (RunStore s = RunStore.open(store)) {
      RunInfo run = s.runs(1).get(0);
      firstRun = run.id();
      assertThat(run.state()).isEqualTo("CANCELLED");
      assertThat(run.unfinished() + run.inputs().get(0).position()).isPositive();
    }
    assertThat(Files.readAllLines(out)).hasSizeLessThan(n);

    String[] resume = Arrays2.concat(args, "resume", firstRun);
    try (ChildJvm second = ChildJvm.start(dir, resume)) {
      assertThat(second.await(90)).as("stderr: %s", second.err()).isZero();
      assertThat(second.err()).contains("resuming run " + firstRun);
    }
    Map<String, Integer> seen = linesSeen(out);
    assertThat(seen.keySet())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, n).mapToObj(Integer::toString).toList());
    assertThat(seen.values()).allSatisfy(c -> assertThat(c).isEqualTo(1));
  }

  /**
   * A generated runner with {@code --journal} killed with SIGKILL mid-run, then started again with
   * {@code resume RUN_ID}: no input is lost, and only tasks the journal had not seen settled run
   * twice.
   */
  @Test
  @Timeout(120)
  void aJournaledRunnerKilledWithSigkillResumesWithoutLosingATask() throws Exception {
    int n = 1500;
    Path input = writeInputs(n);
    Path out = dir.resolve("sink.txt");
    Path store = dir.resolve("runs");
    String[] args = {
      "launch", out.toString(), "--input", "slow=" + input, "--store", store.toString(), "--journal"
    };
    try (ChildJvm first = ChildJvm.start(dir, args)) {
      awaitSinkLines(out, 150);
      first.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
      first.await(60);
    }
    String firstRun;
    try (RunStore s = RunStore.open(store)) {
      RunInfo run = s.runs(1).get(0);
      firstRun = run.id();
      assertThat(run.state()).isEqualTo("RUNNING");
    }
    assertThat(Files.readAllLines(out)).hasSizeLessThan(n);

    String[] resume = Arrays2.concat(args, "resume", firstRun);
    try (ChildJvm second = ChildJvm.start(dir, resume)) {
      assertThat(second.await(90)).as("stderr: %s", second.err()).isZero();
      assertThat(second.err()).contains("resuming run " + firstRun);
    }
    long recovered;
    try (RunStore s = RunStore.open(store)) {
      RunInfo run = s.run(firstRun).orElseThrow();
      assertThat(run.state()).isEqualTo("CANCELLED");
      recovered = run.unfinished();
    }
    Map<String, Integer> seen = linesSeen(out);
    assertThat(seen.keySet())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, n).mapToObj(Integer::toString).toList());
    long repeated = seen.values().stream().mapToLong(c -> c - 1).sum();
    assertThat(repeated).isLessThanOrEqualTo(recovered);
  }

  /** Writes the inputs 0 … n-1 as a JSON array file for {@code --input}. */
  private Path writeInputs(int n) throws IOException {
    Path input = dir.resolve("tasks.json");
    Files.writeString(
        input,
        IntStream.range(0, n)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(",", "[", "]")));
    return input;
  }

  /** Waits until the child's sink has written at least {@code lines} lines. */
  private static void awaitSinkLines(Path out, int lines) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(out) && Files.readAllLines(out).size() >= lines);
  }

  /** How many times the sink wrote each line. */
  private static Map<String, Integer> linesSeen(Path out) throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    for (String line : Files.readAllLines(out)) {
      seen.merge(line, 1, Integer::sum);
    }
    return seen;
  }

  private static final class Arrays2 {
    static String[] concat(String[] a, String... b) {
      String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }
}

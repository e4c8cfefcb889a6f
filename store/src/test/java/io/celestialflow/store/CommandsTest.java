package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import io.celestialflow.event.RunStarted;
import io.celestialflow.launch.GraphLauncher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's commands of the generated runners ({@code runs}, {@code resume}, {@code
 * retry-failed}, {@code failures}, {@code trace}): real runs recorded into a temporary store, then
 * the command, its output checked line by line.
 */
@Timeout(60)
class CommandsTest {
  @TempDir Path dir;

  private record Launch(int status, String out, String err) {
    /** The output with every time written as {@code yyyy-MM-dd HH:mm:ss.SSS}. */
    String timeless() {
      return out.replaceAll(
          "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}", "yyyy-MM-dd HH:mm:ss.SSS");
    }
  }

  private static Launch launch(GraphLauncher launcher, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        launcher.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Launch(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code boom}: every task fails with IllegalStateException "boom N"; serial, so in order. */
  private static Launch failing(String... args) {
    try (TaskGraph graph = StoreChild.failing("failing")) {
      return launch(GraphLauncher.of(CommandsTest.class, graph).input("boom", Integer.class), args);
    }
  }

  /** {@code parse} (bad lines fail) then {@code square} (multiples of 7 fail). */
  private static Launch parseAndSquare(String... args) {
    try (TaskGraph graph = TestGraphs.parseAndSquare()) {
      return launch(
          GraphLauncher.of(CommandsTest.class, graph).input("parse", TestGraphs.Line.class), args);
    }
  }

  private String store() {
    return dir.resolve("runs").toString();
  }

  private String latestRun() {
    try (RunStore s = RunStore.open(Path.of(store()))) {
      return s.runs(1).getFirst().id();
    }
  }

  @Test
  void failuresListsEveryFailureNewestFirstWithItsTask() {
    assertThat(failing("--input", "boom=[1,2,3]", "--store", store()).status()).isEqualTo(1);
    String run = latestRun();

    Launch o = failing("failures", run, "--store", store());

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.timeless())
        .isEqualTo(
            """
            ID  FAILED AT (UTC)          STAGE  ATTEMPTS  ERROR
             3  yyyy-MM-dd HH:mm:ss.SSS  boom          1  java.lang.IllegalStateException: boom 3
                                                          task: 3
             2  yyyy-MM-dd HH:mm:ss.SSS  boom          1  java.lang.IllegalStateException: boom 2
                                                          task: 2
             1  yyyy-MM-dd HH:mm:ss.SSS  boom          1  java.lang.IllegalStateException: boom 1
                                                          task: 1
            """);
    assertThat(o.err()).isEmpty();
  }

  @Test
  void failuresAsJsonAreOneObjectPerLineWithTheStackTrace() {
    failing("--input", "boom=[1,2]", "--store", store());
    String run = latestRun();

    Launch o = failing("failures", run, "--json", "--store", store());

    assertThat(o.status()).as(o.err()).isZero();
    List<JsonObject> lines =
        o.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines)
        .extracting(l -> l.get("task").getAsInt())
        .containsExactly(2, 1); // newest first
    JsonObject first = lines.getFirst();
    assertThat(first.get("run").getAsString()).isEqualTo(run);
    assertThat(first.get("stage").getAsString()).isEqualTo("boom");
    assertThat(first.get("message").getAsString()).isEqualTo("boom 2");
    assertThat(first.get("attempts").getAsInt()).isEqualTo(1);
    assertThat(first.getAsJsonArray("exceptionTypes").get(0).getAsString())
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(first.get("stackTrace").getAsString())
        .startsWith("java.lang.IllegalStateException: boom 2\n\tat ");
  }

  @Test
  void failuresByStageOrByErrorAreCountedInATableOrAsJson() {
    Launch run =
        parseAndSquare(
            "--input",
            "parse=[[1,\"ok1\"],[7,\"ok7\"],[10,\"bad10\"],[14,\"ok14\"],[20,\"bad20\"],"
                + "[21,\"ok21\"]]",
            "--store",
            store());
    assertThat(run.status()).as(run.err()).isEqualTo(1);
    String id = latestRun();

    assertThat(parseAndSquare("failures", id, "--by", "stage", "--store", store()).out())
        .isEqualTo(
            """
            STAGE   FAILURES
            square         3
            parse          2
            total          5
            """);
    assertThat(parseAndSquare("failures", id, "--by=error", "--store", store()).out())
        .isEqualTo(
            """
            ERROR                                      FAILURES
            java.lang.IllegalStateException                   3
            io.celestialflow.store.TestGraphs$BadLine         2
            total                                             5
            """);
    assertThat(parseAndSquare("failures", id, "--by", "stage", "--json", "--store", store()).out())
        .isEqualTo(
            "{\"run\":\""
                + id
                + "\",\"by\":\"stage\",\"total\":5,\"groups\":[{\"stage\":\"square\",\"failures\":3},"
                + "{\"stage\":\"parse\",\"failures\":2}]}\n");

    Launch wrong = parseAndSquare("failures", id, "--by", "day", "--store", store());
    assertThat(wrong.status()).isEqualTo(2);
    assertThat(wrong.err()).isEqualTo("error: --by is stage or error, not 'day'\n");
  }

  @Test
  void traceDrawsATasksAncestorsAndDescendantsAsATree() {
    assertThat(
            parseAndSquare("--input", "parse=[[3,\"ok3\"]]", "--store", store(), "--lineage")
                .status())
        .isZero();
    String run = latestRun();
    long child; // ids are handed out in blocks: the output's id is not simply 2
    try (RunStore s = RunStore.open(Path.of(store()))) {
      child = s.trace(run, 1).descendants().getFirst().taskId();
    }

    Launch input = parseAndSquare("trace", run, "1", "--store", store());
    assertThat(input.status()).as(input.err()).isZero();
    assertThat(input.out())
        .isEqualTo(
            """
            #1 parse:task.success   <- traced
              #%d square:task.success
            """
                .formatted(child));
    assertThat(parseAndSquare("trace", run, Long.toString(child), "--store", store()).out())
        .isEqualTo(
            """
            #1 parse:task.success
              #%d square:task.success   <- traced
            """
                .formatted(child));

    Launch unknown = parseAndSquare("trace", run, "9999", "--store", store());
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err())
        .isEqualTo(
            "error: run " + run + " has no task 9999 (its task ids go up to " + child + ")\n");
    assertThat(parseAndSquare("trace", run, "x1", "--store", store()).err())
        .startsWith("error: TASK_ID is a task id (a number from 1");
  }

  @Test
  void traceSaysSoWhenTheRunRecordedNoLineage() {
    parseAndSquare("--input", "parse=[[3,\"ok3\"]]", "--store", store());
    String run = latestRun();

    Launch o = parseAndSquare("trace", run, "1", "--store", store());

    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err())
        .isEqualTo(
            "error: run "
                + run
                + " recorded no lineage: record runs with --store DIR --lineage to trace their"
                + " tasks\n");
    assertThat(o.out()).isEmpty();
  }

  @Test
  void anUnknownRunNamesTheStoreAndListsItsRuns() {
    failing("--input", "boom=[1]", "--store", store());
    String run = latestRun();

    for (String command : List.of("failures", "resume", "retry-failed")) {
      Launch o = failing(command, "nope", "--store", store());
      assertThat(o.status()).isEqualTo(2);
      List<String> lines = o.err().lines().toList();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0))
          .isEqualTo(
              "error: the run store in " + store() + " has no run 'nope'; its runs, newest first:");
      assertThat(lines.get(1))
          .matches("RUN +GRAPH +STARTED \\(UTC\\) +STATE +FAILURES +UNFINISHED +FROM")
          .startsWith("RUN" + " ".repeat(run.length() - 1) + "GRAPH    STARTED");
      assertThat(lines.get(2))
          .matches(run + "  failing  [-0-9]{10} [:.0-9]{12}  COMPLETED  +1  +0");
    }
    assertThat(failing("trace", "nope", "1", "--store", store()).err())
        .contains("has no run 'nope'; its runs, newest first:");
  }

  @Test
  void withoutAStoreTheCommandsSaySoAndCreateNone() {
    Path missing = dir.resolve("none");
    Launch o = failing("failures", "abc", "--store", missing.toString());

    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err())
        .isEqualTo(
            "error: there is no run store in "
                + missing.toAbsolutePath()
                + " (runs are recorded there with --store "
                + missing
                + "; another store is read with --store DIR)\n");
    assertThat(missing).doesNotExist();

    // Without --store, the default directory under the working directory.
    assertThat(failing("runs").err())
        .startsWith(
            "error: there is no run store in "
                + Path.of(StoreCommands.DEFAULT_DIRECTORY).toAbsolutePath()
                + " (runs are recorded there with --store celestialflow-runs;");
  }

  @Test
  void runsListsTheRunsNewestFirstWithWhereEachCameFrom() {
    failing("--input", "boom=[1,2]", "--store", store());
    String first = latestRun();
    failing("retry-failed", first, "--store", store());
    String retry = latestRun();

    Launch o = failing("runs", "--store", store());

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.timeless())
        .isEqualTo(
            String.format(
                """
                RUN%s  GRAPH    STARTED (UTC)            STATE      FAILURES  UNFINISHED  FROM
                %s  failing  yyyy-MM-dd HH:mm:ss.SSS  COMPLETED         2           0  retry of %s
                %s  failing  yyyy-MM-dd HH:mm:ss.SSS  COMPLETED         2           0
                """,
                " ".repeat(first.length() - 3), retry, first, first));
  }

  @Test
  void retryFailedRunsTheFailuresAgainFilteredByStageOrError() {
    Launch run =
        parseAndSquare(
            "--input", "parse=[[7,\"ok7\"],[10,\"bad10\"],[14,\"ok14\"]]", "--store", store());
    assertThat(run.status()).isEqualTo(1);
    String id = latestRun();

    Launch all = parseAndSquare("retry-failed", id, "--store", store());
    assertThat(all.status()).isEqualTo(1); // they fail again
    assertThat(all.err()).contains("retrying the failures of run " + id + ": 3 failed task(s)\n");

    Launch square = parseAndSquare("retry-failed", id, "--stage", "square", "--store", store());
    assertThat(square.err()).contains(": 2 failed task(s)\n");

    Launch badLines =
        parseAndSquare(
            "retry-failed",
            id,
            "--error",
            "java.lang.IllegalArgumentException", // BadLine's superclass
            "--store",
            store());
    assertThat(badLines.err()).contains(": 1 failed task(s)\n");

    Launch none =
        parseAndSquare("retry-failed", id, "--error", "java.io.IOException", "--store", store());
    assertThat(none.status()).as(none.err()).isZero();
    assertThat(none.err()).contains(": 0 failed task(s)\n");

    assertThat(parseAndSquare("retry-failed", id, "--stage", "nope", "--store", store()).status())
        .isEqualTo(2);
  }

  /**
   * {@code resume RUN_ID}: a run cancelled midway is finished by the command, and across both runs
   * every input reaches the sink exactly once.
   */
  @Test
  void resumeFinishesACancelledRunExactlyOnce() {
    int n = 400;
    String input =
        IntStream.range(0, n)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(",", "[", "]"));
    Map<Integer, AtomicInteger> seen = TestGraphs.counter();
    AtomicReference<GraphRun> running = new AtomicReference<>();
    Launch first;
    try (TaskGraph graph = TestGraphs.slowThenSink(1, seen, 50, () -> running.get().cancel())) {
      first =
          launch(
              GraphLauncher.of(CommandsTest.class, graph)
                  .input("slow", Integer.class)
                  .listener(event -> {
                    if (event instanceof RunStarted started) {
                      running.set(started.run());
                    }
                  }),
              "--input",
              "slow=" + input,
              "--store",
              store());
    }
    assertThat(first.status()).isEqualTo(1);
    String run = latestRun();
    assertThat(first.err())
        .contains(
            "run store: to finish it, run again with the same --input: resume "
                + run
                + " --store "
                + store());

    Launch rest;
    try (TaskGraph graph = TestGraphs.slowThenSink(0, seen, -1, () -> {})) {
      rest =
          launch(
              GraphLauncher.of(CommandsTest.class, graph).input("slow", Integer.class),
              "resume",
              run,
              "--input",
              "slow=" + input,
              "--store",
              store());
    }
    assertThat(rest.status()).as(rest.err()).isZero();
    assertThat(rest.err()).contains("resuming run " + run + ": ");
    assertThat(seen.keySet()).hasSize(n);
    assertThat(seen.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
  }

  @Test
  void mistakesInTheCommandsAreUsageErrors() {
    assertThat(failing("failures", "--store", store()).err())
        .startsWith("error: failures takes RUN_ID\n");
    assertThat(failing("trace", "a", "--store", store()).err())
        .startsWith("error: trace takes RUN_ID TASK_ID, not a\n");
    assertThat(failing("runs", "extra").err())
        .startsWith("error: runs takes no arguments, not extra\n");
    assertThat(failing("failures", "a", "--stage", "boom").err())
        .startsWith("error: --stage goes with the retry-failed command, not with failures\n");
    assertThat(failing("failures", "a", "--run", "b").err())
        .startsWith("error: --run is an older form of the commands: leave it out with failures\n");
    Launch noRun = failing("resume");
    assertThat(noRun.status()).isEqualTo(2);
    assertThat(noRun.err()).startsWith("error: resume takes RUN_ID\n");
  }

  @Test
  void resultsRecordsTheSuccessPairsOfTheNamedStagesAndRejectsAnUnknownStage() {
    Launch ran =
        parseAndSquare(
            "--input",
            "parse=[[3,\"ok3\"],[7,\"ok7\"],[4,\"bad4\"]]",
            "--store",
            store(),
            "--results",
            "square");
    assertThat(ran.status()).as(ran.err()).isEqualTo(1); // 7 and bad4 failed
    try (RunStore s = RunStore.open(Path.of(store()))) {
      String run = s.runs(1).getFirst().id();
      assertThat(s.results(run, "square", 0, 10))
          .extracting(StoredResult::task, StoredResult::outputs)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("3", "[9]"));
      assertThat(s.results(run, "parse", 0, 10)).isEmpty();
    }

    Launch unknown =
        parseAndSquare("--input", "parse=[]", "--store", store(), "--results", "sqaure");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err())
        .contains(
            "--results sqaure: graph 'parse-square' has no such stage (its stages: parse,"
                + " square)");
  }
}

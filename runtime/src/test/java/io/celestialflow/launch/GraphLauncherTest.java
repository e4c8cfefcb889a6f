package io.celestialflow.launch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.celestialflow.Execution;
import io.celestialflow.Layout;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.progress.ConsoleProgress;
import io.celestialflow.spi.LaunchCommand;
import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchOption;
import io.celestialflow.spi.LaunchSession;
import io.celestialflow.spi.LauncherExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command-line runner the generated {@code main} methods delegate to. */
@Timeout(30)
class GraphLauncherTest {
  /** The arguments of an {@code add(int x, int y)} stage. */
  record AddArgs(int x, int y) {}

  private final List<Layout> layoutsUsed = new CopyOnWriteArrayList<>();

  /** add(x, y) -> square, like a generated quick start graph. */
  private GraphLauncher quickstart() {
    return GraphLauncher.of(
            GraphLauncherTest.class,
            ((java.util.function.Supplier<TaskGraph>)
                    () -> {
                      TaskStage<AddArgs, Integer> add =
                          TaskStage.map("add", (AddArgs a) -> a.x() + a.y())
                              .execution(Execution.threads(2))
                              .build();
                      TaskStage<Integer, Integer> square =
                          TaskStage.map(
                                  "square",
                                  (Integer x) -> {
                                    if (x == 0) {
                                      throw new ArithmeticException(
                                          "zero has no interesting square");
                                    }
                                    return x * x;
                                  })
                              .build();
                      return TaskGraph.builder("quickstart")
                          .stages(add, square)
                          .edge(add, square)
                          .build();
                    })
                .get())
        .input("add", AddArgs.class)
        .listener(event -> {
          if (event instanceof RunStarted started) {
            layoutsUsed.add(started.run().layout());
          }
        });
  }

  private record Outcome(int status, String out, String err) {
    JsonObject json() {
      return JsonParser.parseString(out).getAsJsonObject();
    }

    List<Integer> ints(String stage) {
      List<Integer> values = new ArrayList<>();
      for (JsonElement e : json().getAsJsonArray(stage)) {
        values.add(e.getAsInt());
      }
      values.sort(null);
      return values;
    }
  }

  private static Outcome launch(GraphLauncher launcher, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        launcher.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void inlineTasksAsArraysOrObjectsRunAndTheOutputsArePrintedAsJson() {
    Outcome o = launch(quickstart(), "--input", "add=[[1,2],{\"x\":3,\"y\":4},[5,6]]");

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.json().keySet()).containsExactly("square");
    assertThat(o.ints("square")).containsExactly(9, 49, 121);
    assertThat(o.err()).contains("quickstart: COMPLETED").contains("square").contains("3");
    assertThat(layoutsUsed).containsExactly(Layout.STREAMING);
  }

  @Test
  void tasksAreReadFromAFileAndSeveralInputsForOneStageAddUp(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tasks.json");
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < 1000; i++) {
      json.append(i == 0 ? "" : ",").append("[").append(i).append(",1]");
    }
    Files.writeString(file, json.append("]"));

    Outcome o = launch(quickstart(), "--input", "add=" + file, "--input", "add=[[100,0]]");

    assertThat(o.status()).as(o.err()).isZero();
    List<Integer> squares = o.ints("square");
    assertThat(squares).hasSize(1001).startsWith(1, 4, 9).contains(1_000_000, 10_000);
  }

  @Test
  void theLayoutOptionOverridesTheDefault() {
    Outcome o = launch(quickstart(), "--layout", "serial", "--input", "add=[[1,1]]");

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.ints("square")).containsExactly(4);
    assertThat(layoutsUsed).containsExactly(Layout.SERIAL);
  }

  @Test
  void failedTasksAreSummarisedAndGiveStatusOne() {
    Outcome o = launch(quickstart(), "--input", "add=[[1,2],[0,0]]");

    assertThat(o.status()).isEqualTo(1);
    assertThat(o.ints("square")).containsExactly(9);
    assertThat(o.err())
        .contains("1 failed tasks:")
        .contains("square: java.lang.ArithmeticException: zero has no interesting square");
  }

  @Test
  void aBrokenFileBecomesAnInputFailure(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "[[1,1],[2,2],[3,");

    Outcome o = launch(quickstart(), "--input", "add=" + file);

    assertThat(o.status()).isEqualTo(1);
    assertThat(o.ints("square")).containsExactly(4, 16);
    assertThat(o.err()).contains("input of add failed after 2 tasks");
  }

  @Test
  void progressPrintsTheCountersWhileRunning() {
    GraphLauncher launcher =
        GraphLauncher.of(
                GraphLauncherTest.class,
                build(() -> {
                  TaskStage<Integer, Integer> slow =
                      TaskStage.map(
                              "slow",
                              (Integer x) -> {
                                Thread.sleep(20);
                                return x;
                              })
                          .build();
                  return TaskGraph.builder("slow").stage(slow).build();
                }))
            .input("slow", Integer.class)
            .progress(ConsoleProgress.builder().summaryInterval(Duration.ofMillis(10)));

    Outcome o = launch(launcher, "--progress", "--input", "slow=[1,2,3,4,5]");

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.ints("slow")).containsExactly(1, 2, 3, 4, 5);
    // The error stream is no terminal: summary lines while it runs, then one for the end.
    List<String> lines = o.err().lines().filter(l -> l.startsWith("slow ")).toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    assertThat(lines.getFirst()).matches("slow \\d+:\\d\\d: slow \\d/\\d \\(.*/s, .*\\)");
    assertThat(lines.getLast()).startsWith("slow COMPLETED: slow 5/5 (").contains(", done 0:0");
    assertThat(o.err()).doesNotContain("\033[");
  }

  @Test
  void withoutProgressNothingIsPrintedWhileRunning() {
    Outcome o = launch(quickstart(), "--input", "add=[[1,2]]");

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.err()).startsWith("quickstart: COMPLETED in ").doesNotContain("(");
  }

  @Test
  void logLevelTakesTheSixLevelsAndRejectsOthers() {
    Outcome wrong = launch(quickstart(), "--log-level", "loud", "--input", "add=[[1,2]]");
    assertThat(wrong.status()).isEqualTo(2);
    assertThat(wrong.err())
        .contains("--log-level is one of off, error, warn, info, debug, trace, not 'loud'");

    Outcome right = launch(quickstart(), "--log-level=WARN", "--input", "add=[[1,2]]");
    assertThat(right.status()).as(right.err()).isZero();
    assertThat(right.ints("square")).containsExactly(9);
  }

  @Test
  void logLevelIsSetAsSystemPropertiesBeforeTheLauncherIsCreated() {
    String before = System.getProperty(GraphLauncher.LOG_LEVEL_PROPERTY);
    String tinylogBefore = System.getProperty("tinylog.level");
    try {
      List<String> seen = new ArrayList<>();
      GraphLauncher.main(
          new String[] {"--input", "add=[[1,1]]", "--log-level", "Debug"},
          () -> {
            seen.add(System.getProperty(GraphLauncher.LOG_LEVEL_PROPERTY));
            seen.add(System.getProperty("tinylog.level"));
            return quickstart();
          });
      assertThat(seen).containsExactly("debug", "debug");

      GraphLauncher.applyLogLevel(List.of("--log-level=error"));
      assertThat(System.getProperty("tinylog.level")).isEqualTo("error");
      GraphLauncher.applyLogLevel(List.of("--log-level=nonsense"));
      assertThat(System.getProperty(GraphLauncher.LOG_LEVEL_PROPERTY)).isEqualTo("error");
      // A tinylog.level of the user's own (not set by --log-level) is left alone.
      System.setProperty("tinylog.level", "warn");
      GraphLauncher.applyLogLevel(List.of("--log-level", "trace"));
      assertThat(System.getProperty("tinylog.level")).isEqualTo("warn");
      assertThat(System.getProperty(GraphLauncher.LOG_LEVEL_PROPERTY)).isEqualTo("trace");
    } finally {
      restore(GraphLauncher.LOG_LEVEL_PROPERTY, before);
      restore("tinylog.level", tinylogBefore);
    }
  }

  private static void restore(String property, @Nullable String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  @Test
  void genericTaskTypesAreReadWithTheirTypeArguments() {
    GraphLauncher launcher =
        GraphLauncher.of(
                GraphLauncherTest.class,
                build(() -> {
                  TaskStage<List<Integer>, Integer> sum =
                      TaskStage.map(
                              "sum",
                              (List<Integer> xs) -> xs.stream().mapToInt(Integer::intValue).sum())
                          .build();
                  return TaskGraph.builder("sum").stage(sum).build();
                }))
            .input("sum", new GraphLauncher.TaskType<List<Integer>>() {});

    Outcome o = launch(launcher, "--input", "sum=[[1,2,3],[10,20]]");

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.ints("sum")).containsExactly(6, 30);
  }

  @Test
  void listenersAttachToTheRun() {
    List<String> events = new CopyOnWriteArrayList<>();
    GraphLauncher launcher =
        quickstart()
            .listener(event -> {
              if (event instanceof RunFinished f) {
                events.add("finished " + f.result().stats("square").succeeded());
              }
            });

    assertThat(launch(launcher, "--input", "add=[[1,2]]").status()).isZero();
    assertThat(events).containsExactly("finished 1");
  }

  @Test
  void usageErrorsGiveStatusTwoAndSayWhatIsWrong() {
    assertThat(launch(quickstart()).err()).contains("no tasks: give some with --input");
    assertThat(launch(quickstart(), "--input", "nope=[1]"))
        .satisfies(o -> assertThat(o.status()).isEqualTo(2))
        .satisfies(o -> assertThat(o.err()).contains("'nope' is not an input stage"));
    assertThat(launch(quickstart(), "--input", "add=[[1,2,3]]").err())
        .contains("task 0 has 3 values, but AddArgs has 2 components");
    assertThat(launch(quickstart(), "--input", "add=[{\"x\":\"one\"}]").err())
        .contains("task 0 ({\"x\":\"one\"}) is not a");
    assertThat(launch(quickstart(), "--input", "add=no-such-file.json").err())
        .contains("'no-such-file.json' is neither a JSON array nor a readable file");
    assertThat(launch(quickstart(), "--layout", "sideways", "--input", "add=[]").err())
        .contains("--layout is streaming or serial, not 'sideways'");
    assertThat(launch(quickstart(), "--frobnicate").status()).isEqualTo(2);
    assertThat(launch(quickstart(), "--input").err()).contains("--input needs a value");
    assertThat(launch(quickstart(), "--metrics", "--input", "add=[]").err())
        .contains("option --metrics needs the celestialflow-micrometer module on the class path");
  }

  @Test
  void aCommandOfAModuleNotOnTheClassPathNamesTheModule() {
    String store =
        "needs the celestialflow-store module on the class path"
            + " (add the io.celestialflow:celestialflow-store dependency)";
    for (String command : List.of("resume", "retry-failed", "failures", "trace", "runs")) {
      Outcome o = launch(quickstart(), command, "6f1c");
      assertThat(o.status()).isEqualTo(2);
      assertThat(o.err()).startsWith("error: command '" + command + "' " + store + "\n");
      assertThat(o.out()).isEmpty();
    }
    // The command is named even when its options follow, and an option alone names it too.
    assertThat(launch(quickstart(), "failures", "6f1c", "--by", "stage").err())
        .startsWith("error: command 'failures' " + store);
    assertThat(launch(quickstart(), "--input", "add=[[1,2]]", "--by", "stage").err())
        .startsWith("error: option --by " + store);
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Outcome o = launch(quickstart(), "frobnicate", "--input", "add=[[1,2]]");
    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err())
        .startsWith(
            "error: unknown command 'frobnicate' (this runner has no commands; options start"
                + " with --)\n");

    assertThat(launch(quickstart().extension(new Echo()), "--echo-level", "3").err())
        .startsWith(
            "error: unknown command '3'; if it is the value of --echo-level, write"
                + " --echo-level=3\n");

    Outcome withCommands = launch(quickstart().extension(new Echo()), "ehco", "x");
    assertThat(withCommands.status()).isEqualTo(2);
    assertThat(withCommands.err())
        .startsWith("error: unknown command 'ehco' (the commands are echo, feed)\n");
  }

  /**
   * An extension with two commands: {@code echo} prints its arguments instead of running the graph;
   * {@code feed N} runs the graph with the inputs {@code [N, N]} and {@code [N, N]}.
   */
  private static final class Echo implements LauncherExtension {
    final List<String> opened = new CopyOnWriteArrayList<>();

    @Override
    public List<LaunchOption> options() {
      return List.of(
          LaunchOption.flag("--echo-option", "an option of the extension"),
          LaunchOption.withOptionalValue("--echo-level", "N", "an option with an optional value"));
    }

    @Override
    public LaunchSession open(LaunchContext context) {
      opened.add("options");
      return new LaunchSession() {};
    }

    @Override
    public List<LaunchCommand> commands() {
      return List.of(
          new LaunchCommand(
              "echo",
              "WORD... [--loud]",
              "print the words instead of running the graph",
              List.of(LaunchOption.flag("--loud", "upper case")),
              (context, arguments) -> {
                opened.add("echo");
                return new LaunchSession() {
                  @Override
                  public OptionalInt takeOver() {
                    String words = String.join(" ", arguments);
                    context
                        .out()
                        .println(
                            context.has("--loud")
                                ? words.toUpperCase(java.util.Locale.ROOT)
                                : words);
                    return OptionalInt.of(arguments.size());
                  }
                };
              }),
          new LaunchCommand(
              "feed",
              "N",
              "run the graph on the tasks [N, N] twice, a longer help text that the usage wraps"
                  + " at its width",
              List.of(),
              (context, arguments) -> {
                opened.add("feed");
                int n = Integer.parseInt(arguments.getFirst());
                return new LaunchSession() {
                  @Override
                  public boolean suppliesTasks() {
                    return true;
                  }

                  @Override
                  public void configure(RunBuilder run) {
                    run.input("add", List.of(new AddArgs(n, n), new AddArgs(n, n)));
                  }
                };
              }));
    }
  }

  @Test
  void aCommandOpensItsSessionInPlaceOfItsExtensionsOwn() {
    Echo echo = new Echo();
    Outcome o = launch(quickstart().extension(echo), "--echo-option", "echo", "a", "b", "--loud");
    assertThat(o.status()).as(o.err()).isEqualTo(2); // the words, as the command's status
    assertThat(o.out()).isEqualTo("A B\n");
    assertThat(echo.opened).containsExactly("echo");

    Outcome fed = launch(quickstart().extension(echo), "feed", "3");
    assertThat(fed.status()).as(fed.err()).isZero();
    assertThat(fed.ints("square")).containsExactly(36, 36);
  }

  @Test
  void aCommandsOwnOptionsGoWithItOnly() {
    Outcome o = launch(quickstart().extension(new Echo()), "--input", "add=[[1,2]]", "--loud");
    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err()).startsWith("error: --loud goes with the echo command\n");
    assertThat(launch(quickstart().extension(new Echo()), "feed", "1", "--loud").err())
        .startsWith("error: --loud goes with the echo command, not with feed\n");
  }

  @Test
  void helpListsTheCommandsOfTheExtensions() {
    Outcome o = launch(quickstart().extension(new Echo()), "--help");
    assertThat(o.status()).isZero();
    assertThat(o.out())
        .startsWith(
            """
            usage: java -cp <class path> io.celestialflow.launch.GraphLauncherTest [options]
                   java -cp <class path> io.celestialflow.launch.GraphLauncherTest COMMAND \
            [arguments] [options]
            """)
        .contains(
            """
              --echo-option              an option of the extension
              --echo-level[=N]           an option with an optional value
            Commands:
              echo WORD... [--loud]      print the words instead of running the graph
              feed N                     run the graph on the tasks [N, N] twice, a longer help text that the
                                         usage wraps at its width
            Input stages and their task types:
            """)
        .doesNotContain("--loud  ");
  }

  @Test
  void aSerialLayoutOnACycleIsAUsageError() {
    GraphLauncher launcher =
        GraphLauncher.of(
                GraphLauncherTest.class,
                build(() -> {
                  TaskStage<Integer, Integer> loop =
                      TaskStage.splitter(
                              "loop", (Integer x) -> x > 0 ? List.of(x - 1) : List.<Integer>of())
                          .build();
                  return TaskGraph.builder("loop").stage(loop).edge(loop, loop).build();
                }))
            .input("loop", Integer.class);

    Outcome streaming = launch(launcher, "--input", "loop=[3]");
    assertThat(streaming.status()).as(streaming.err()).isZero();
    assertThat(streaming.json().getAsJsonObject()).isEqualTo(new JsonObject());

    Outcome serial = launch(launcher, "--layout", "serial", "--input", "loop=[3]");
    assertThat(serial.status()).isEqualTo(2);
    assertThat(serial.err()).contains("has a cycle (loop -> loop)");
  }

  @Test
  void benchRunsTheInputsUnderEveryExecutionAndLayoutAndPrintsATable() {
    Outcome o = launch(quickstart(), "--bench", "--input", "add=[[1,2],[3,4],[5,6],[0,0]]");

    assertThat(o.status()).as(o.err()).isZero();
    String[] rows =
        o.out()
            .lines()
            .filter(l -> l.startsWith("| ") && !l.startsWith("| set-up"))
            .toArray(String[]::new);
    // 4 set-ups x 2 layouts; every row read the 4 inputs and counted the one failure (0 squared).
    assertThat(rows).hasSize(8);
    assertThat(o.out())
        .contains("| as declared ")
        .contains("| all serial ")
        .contains("| all thread x")
        .contains("| all virtual threads x256 ")
        .contains("| streaming ")
        .contains("| serial ")
        .contains("fastest");
    for (String row : rows) {
      String[] cells = row.split("\\|");
      assertThat(cells[5].strip()).as("stage tasks: 4 adds, 4 squares").isEqualTo("8");
      assertThat(cells[6].strip()).as("failed").isEqualTo("1");
    }
  }

  @Test
  void theBenchCommandIsTheBenchOption() {
    Outcome o = launch(quickstart(), "bench", "--input", "add=[[1,2],[0,0]]");

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.out()).contains("| all serial ").contains("fastest");
    assertThat(o.out().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| set-up")))
        .hasSize(8);
  }

  @Test
  void helpListsTheInputStagesAndTheirTypes() {
    Outcome o = launch(quickstart(), "--help");

    assertThat(o.status()).isZero();
    assertThat(o.out())
        .contains(
            "usage: java -cp <class path> io.celestialflow.launch.GraphLauncherTest [options]")
        .contains("add: AddArgs(int x, int y), as a JSON object or an array of its components")
        .contains("--layout streaming|serial")
        .contains("--log-level LEVEL")
        .contains("--progress")
        .endsWith(
            "Exit status: 0 every task succeeded, 1 some failed or the run was cancelled,"
                + " 2 bad usage.\n");
    assertThat(o.err()).isEmpty();
  }

  @Test
  void outputsGsonCannotTakeApartArePrintedAsStrings() {
    GraphLauncher launcher =
        GraphLauncher.of(
                GraphLauncherTest.class,
                build(() -> {
                  TaskStage<String, Thread.State> state =
                      TaskStage.map("state", (String s) -> Thread.State.valueOf(s)).build();
                  TaskStage<Integer, Object> lock =
                      TaskStage.map(
                              "lock",
                              (Integer x) ->
                                  (Object) new java.util.concurrent.locks.ReentrantLock())
                          .build();
                  return TaskGraph.builder("odd").stages(state, lock).build();
                }))
            .input("state", String.class)
            .input("lock", Integer.class);

    Outcome o = launch(launcher, "--input", "state=[\"NEW\"]", "--input", "lock=[0]");

    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.json().getAsJsonArray("state")).isEqualTo(parseArray("[\"NEW\"]"));
    assertThat(o.json().getAsJsonArray("lock").get(0).getAsString()).contains("Unlocked");
  }

  private static TaskGraph build(java.util.function.Supplier<TaskGraph> graph) {
    return graph.get();
  }

  private static JsonArray parseArray(String json) {
    return JsonParser.parseString(json).getAsJsonArray();
  }
}

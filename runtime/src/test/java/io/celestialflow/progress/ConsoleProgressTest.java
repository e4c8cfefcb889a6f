package io.celestialflow.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(30)
class ConsoleProgressTest {
  private static final List<Integer> TASKS = IntStream.range(0, 40).boxed().toList();

  /** parse (sleeps 15 ms per task, one at a time) -> store: about 0.6 s for {@link #TASKS}. */
  private static TaskGraph graph(boolean printLogLines) {
    TaskStage<Integer, Integer> parse =
        TaskStage.map(
                "parse",
                (Integer x) -> {
                  Thread.sleep(15);
                  if (printLogLines && x % 10 == 9) {
                    System.err.println("INFO parse: reached task " + x);
                  }
                  return x;
                })
            .execution(Execution.serial())
            .build();
    TaskStage<Integer, Integer> store =
        TaskStage.map("store", (Integer x) -> x).execution(Execution.serial()).build();
    return TaskGraph.builder("etl").stages(parse, store).edge(parse, store).build();
  }

  private static ByteArrayOutputStream bytes() {
    return new ByteArrayOutputStream();
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  @Test
  void onATerminalTheBarsAreRedrawnInPlaceAtMostFourTimesASecond() throws Exception {
    ByteArrayOutputStream written = bytes();
    ConsoleProgress progress =
        ConsoleProgress.builder()
            .output(print(written))
            .mode(ConsoleProgress.Mode.TERMINAL)
            .width(80)
            .build();
    GraphResult result;
    try (TaskGraph graph = graph(false)) {
      result = graph.newRun().input("parse", TASKS).listener(progress).run();
    }

    String text = written.toString(StandardCharsets.UTF_8);
    VirtualTerminal screen = VirtualTerminal.play(text);
    assertThat(screen.lines()).hasSize(2);
    assertThat(screen.lines().get(0))
        .startsWith("parse [####################] 40/40")
        .contains("/s  done 0:0")
        .endsWith("fail 0  dup 0");
    assertThat(screen.lines().get(1)).startsWith("store [####################] 40/40");
    assertThat(screen.lines()).allSatisfy(l -> assertThat(l.length()).isLessThan(80));
    // Live frames were drawn before the last one, each over the previous one...
    assertThat(screen.cursorUps()).isGreaterThanOrEqualTo(1);
    // ...and no more often than every 250 ms.
    long maxRedraws = result.elapsed().toMillis() / 250 + 1;
    assertThat((long) screen.cursorUps()).isLessThanOrEqualTo(maxRedraws);
    assertNoProgressThreadIsLeft();
  }

  @Test
  void whatThePipelinePrintsMeanwhileAppearsAboveTheBarsIntact() {
    LoggerFactory.getLogger(ConsoleProgressTest.class); // SLF4J's own warnings, if any, before
    ByteArrayOutputStream written = bytes();
    PrintStream stderr = System.err;
    PrintStream fake = print(written);
    System.setErr(fake);
    try (TaskGraph graph = graph(true)) {
      ConsoleProgress progress =
          ConsoleProgress.builder()
              .mode(ConsoleProgress.Mode.TERMINAL)
              .width(80)
              .build(); // draws on System.err, which is the fake terminal, and captures it
      graph.newRun().input("parse", TASKS).listener(progress).run();
      assertThat(System.err).as("System.err is given back").isSameAs(fake);
    } finally {
      System.setErr(stderr);
    }

    List<String> lines = VirtualTerminal.play(written.toString(StandardCharsets.UTF_8)).lines();
    assertThat(lines)
        .hasSize(6)
        .startsWith(
            "INFO parse: reached task 9",
            "INFO parse: reached task 19",
            "INFO parse: reached task 29",
            "INFO parse: reached task 39");
    assertThat(lines.get(4)).startsWith("parse [####################] 40/40");
    assertThat(lines.get(5)).startsWith("store [####################] 40/40");
  }

  @Test
  void whenTheOutputIsNoTerminalASummaryLineIsPrintedAtEachInterval() throws Exception {
    ByteArrayOutputStream written = bytes();
    ConsoleProgress progress =
        ConsoleProgress.builder()
            .output(print(written))
            .summaryInterval(Duration.ofMillis(100))
            .build(); // AUTO on a stream that is not System.err: plain lines
    try (TaskGraph graph = graph(false)) {
      graph.newRun().input("parse", TASKS).listener(progress).run();
    }

    List<String> lines = written.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(written.toString(StandardCharsets.UTF_8)).doesNotContain("\033");
    assertThat(lines).hasSizeBetween(3, 12);
    assertThat(lines.getFirst()).matches("etl 0:0\\d: parse \\d+/\\d+ \\(.*\\) \\| store .*");
    assertThat(lines.getLast())
        .startsWith("etl COMPLETED: parse 40/40 (")
        // 40 tasks of 15 ms: done after a second or so (more on a loaded machine), rounded up.
        .containsPattern(", done 0:\\d\\d\\) \\| store 40/40 \\(");
    assertNoProgressThreadIsLeft();
  }

  @Test
  void attachAddsItToARunBuilder() throws Exception {
    try (TaskGraph graph = graph(false)) {
      GraphResult result =
          ConsoleProgress.attach(graph.newRun().input("parse", List.of(1, 2, 3))).run();
      assertThat(result.stats("store").succeeded()).isEqualTo(3);
    }
    assertNoProgressThreadIsLeft();
  }

  @Test
  void redrawingMoreOftenThanFourTimesASecondIsRefused() {
    assertThatThrownBy(() -> ConsoleProgress.builder().redrawInterval(Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 4 times a second");
    assertThatThrownBy(() -> ConsoleProgress.builder().width(5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * The run started no thread of its own, and the one thread that keeps every display's intervals
   * ends once it has none to tick.
   */
  private static void assertNoProgressThreadIsLeft() throws InterruptedException {
    assertThat(progressThreads()).hasSizeLessThanOrEqualTo(1);
    long deadline = System.nanoTime() + ProgressDisplay.IDLE.multipliedBy(5).toNanos();
    while (!progressThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(progressThreads()).isEmpty();
  }

  private static List<String> progressThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(ProgressDisplay.THREAD))
        .toList();
  }
}

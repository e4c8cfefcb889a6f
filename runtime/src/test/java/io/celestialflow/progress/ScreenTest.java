package io.celestialflow.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bars at the bottom of a terminal, with standard output and error printed above them. */
@Timeout(10)
class ScreenTest {
  private final PrintStream stdout = System.out;
  private final PrintStream stderr = System.err;
  private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
  private PrintStream out;
  private PrintStream err;

  @BeforeEach
  void oneTerminalForBothStreams() {
    out = new PrintStream(terminal, true, StandardCharsets.UTF_8);
    err = new PrintStream(terminal, true, StandardCharsets.UTF_8);
    System.setOut(out);
    System.setErr(err);
  }

  @AfterEach
  void giveTheStreamsBack() {
    System.setOut(stdout);
    System.setErr(stderr);
  }

  private List<String> screen() {
    return VirtualTerminal.play(terminal.toString(StandardCharsets.UTF_8)).lines();
  }

  @Test
  void linesOfBothStreamsGoAboveTheBarsAndPartialLinesWaitForTheirEnd() {
    Screen screen = new Screen(err);
    screen.captureSystemStreams(true);
    screen.draw(List.of("a [#...] 1/4", "b [....] 0/1"));

    System.out.println("out: one");
    System.err.print("err: par");
    screen.draw(List.of("a [##..] 2/4", "b [#...] 1/4"));
    System.err.println("tial");
    System.out.print("out: two\nout: thr");
    screen.draw(List.of("a [###.] 3/4", "b [##..] 2/4"));

    assertThat(screen())
        .containsExactly("out: one", "err: partial", "out: two", "a [###.] 3/4", "b [##..] 2/4");

    screen.release(List.of("a [####] 4/4", "b [####] 4/4"));
    assertThat(screen())
        .containsExactly(
            "out: one", "err: partial", "out: two", "out: thr", "a [####] 4/4", "b [####] 4/4");
    assertThat(System.out).isSameAs(out);
    assertThat(System.err).isSameAs(err);
    System.out.println("after");
    assertThat(screen()).endsWith("b [####] 4/4", "after");
  }

  @Test
  void streamsReplacedMeanwhileByOthersAreLeftAlone() {
    Screen screen = new Screen(err);
    screen.captureSystemStreams(false);
    assertThat(System.out).isSameAs(out);
    assertThat(System.err).isNotSameAs(err);
    PrintStream someoneElses =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    System.setErr(someoneElses);

    screen.release(List.of("done"));

    assertThat(System.err).isSameAs(someoneElses);
    assertThat(screen()).containsExactly("done");
  }
}

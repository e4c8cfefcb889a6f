package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner's usage quoted in docs/processor.md is what the runner prints. */
@Timeout(30)
class DocsUsageTest {
  private static final Path DOC = Path.of("..", "docs", "processor.md");

  @Test
  void theUsageInTheProcessorDocsIsTheRunnersHelp() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        QuickStartGraph.launcher()
            .run(
                List.of("--help"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(quoted(Files.readString(DOC, StandardCharsets.UTF_8), "usage:QuickStartGraph"))
        .as("the block after <!-- usage:QuickStartGraph --> in %s; paste the runner's --help", DOC)
        .isEqualTo(out.toString(StandardCharsets.UTF_8));
  }

  /** The fenced block that follows {@code <!-- marker -->}, without its fences. */
  static String quoted(String markdown, String marker) {
    int at = markdown.indexOf("<!-- " + marker + " -->");
    assertThat(at).as("marker %s", marker).isNotNegative();
    int open = markdown.indexOf("```", at);
    int start = markdown.indexOf('\n', open) + 1;
    int close = markdown.indexOf("\n```", start);
    return markdown.substring(start, close + 1);
  }
}

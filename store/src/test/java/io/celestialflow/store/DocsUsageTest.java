package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.TaskGraph;
import io.celestialflow.launch.GraphLauncher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store's options and commands quoted in docs/store.md are what a runner's --help prints. */
@Timeout(30)
class DocsUsageTest {
  private static final Path DOC = Path.of("..", "docs", "store.md");

  @Test
  void theOptionsAndCommandsInTheStoreDocsAreTheRunnersHelp() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status;
    try (TaskGraph graph = StoreChild.failing("failing")) {
      status =
          GraphLauncher.of(DocsUsageTest.class, graph)
              .input("boom", Integer.class)
              .run(
                  List.of("--help"),
                  new PrintStream(out, true, StandardCharsets.UTF_8),
                  new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
    assertThat(status).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    // The store's part: from its first option to the end of the commands.
    String part =
        help.substring(help.indexOf("  --store DIR"), help.indexOf("Input stages and their"));

    assertThat(quoted(Files.readString(DOC, StandardCharsets.UTF_8), "usage:store"))
        .as("the block after <!-- usage:store --> in %s; paste the runner's --help", DOC)
        .isEqualTo(part);
  }

  /** The fenced block that follows {@code <!-- marker -->}, without its fences. */
  private static String quoted(String markdown, String marker) {
    int at = markdown.indexOf("<!-- " + marker + " -->");
    assertThat(at).as("marker %s", marker).isNotNegative();
    int open = markdown.indexOf("```", at);
    int start = markdown.indexOf('\n', open) + 1;
    int close = markdown.indexOf("\n```", start);
    return markdown.substring(start, close + 1);
  }
}

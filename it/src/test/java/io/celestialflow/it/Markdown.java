package io.celestialflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the fenced blocks of a Markdown file that follow a {@code <!-- marker -->} comment. */
final class Markdown {
  private final Path file;
  private final String text;

  private Markdown(Path file, String text) {
    this.file = file;
    this.text = text;
  }

  static Markdown read(Path file) throws IOException {
    return new Markdown(file, Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The content of the fenced block right after {@code <!-- marker -->}, without its fences. */
  String block(String marker) {
    int at = text.indexOf("<!-- " + marker + " -->");
    assertThat(at).as("<!-- %s --> in %s", marker, file).isNotNegative();
    int open = text.indexOf("```", at);
    int start = text.indexOf('\n', open) + 1;
    int close = text.indexOf("\n```", start);
    return text.substring(start, close + 1);
  }

  /** The commands of a bash block: its lines, without comments and blank lines. */
  List<String> commands(String marker) {
    return block(marker)
        .lines()
        .map(l -> l.replaceAll("(^|\\s+)#.*$", "").strip())
        .filter(l -> !l.isEmpty())
        .toList();
  }
}

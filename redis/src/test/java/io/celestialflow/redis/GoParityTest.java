package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java worker and the Go worker ({@code go-worker/}) make the same choices where the protocol
 * leaves room (docs/protocol.md, "Choices both workers make"): the same Lua scripts, the same run
 * for an error result whose task had none.
 */
@Timeout(10)
class GoParityTest {
  private static final Path GO = Path.of("..", "go-worker");

  private static String goScript(String file, String variable) throws IOException {
    String source = Files.readString(GO.resolve(file));
    Matcher m =
        Pattern.compile(
                "var " + Pattern.quote(variable) + " = redis\\.NewScript\\(`(.*?)`\\)",
                Pattern.DOTALL)
            .matcher(source);
    assertThat(m.find()).as("%s in go-worker/%s", variable, file).isTrue();
    return m.group(1).strip();
  }

  @Test
  void theCommitScriptIsTheGoWorkersText() throws IOException {
    assertThat(Scripts.COMMIT.text.strip()).isEqualTo(goScript("commit.go", "commitScript"));
  }

  @Test
  void theRenewScriptIsTheGoWorkersText() throws IOException {
    assertThat(Scripts.RENEW.text.strip()).isEqualTo(goScript("claim.go", "renewScript"));
  }

  @Test
  void anErrorResultForATaskWithoutARunTakesTheRunOfItsResultKey() {
    assertThat(DeadLetters.runOf("cf:{demo}:square:results:mc8yq2r1-3kq7zt"))
        .isEqualTo("mc8yq2r1-3kq7zt");
    assertThat(DeadLetters.runOf("cf:{a}:b:results:x:results:y")).isEqualTo("y");
    assertThat(DeadLetters.runOf("cf:{demo}:square:results:")).isEqualTo("unknown");
    assertThat(DeadLetters.runOf("somewhere")).isEqualTo("unknown");
  }
}

package io.celestialflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's "Use it in your project", done as written: its {@code pom.xml}, class and logging
 * configuration are copied into an empty folder, and its commands are typed into a shell.
 */
@Timeout(300)
class ReadmeSnippetIT {
  private static final String SNIPPET = "snippet:";

  @TempDir Path project;

  @Test
  void theReadmesProjectBuildsAndItsRunnerRunsFromMavenAndFromPlainJava() throws Exception {
    Markdown readme = Markdown.read(UserMaven.root().resolve("README.md"));
    for (String file :
        List.of(
            "pom.xml",
            "src/main/java/com/example/QuickStart.java",
            "src/main/resources/tinylog.properties")) {
      Path target = project.resolve(file);
      Files.createDirectories(target.getParent());
      Files.writeString(target, readme.block(SNIPPET + file), StandardCharsets.UTF_8);
    }
    assertThat(readme.block(SNIPPET + "pom.xml"))
        .as("the README names this build's version")
        .contains("<celestialflow.version>" + UserMaven.version() + "</celestialflow.version>");
    UserMaven maven = UserMaven.get();

    UserMaven.Ran exec =
        maven.bash(project, readme.block("commands:exec"), Duration.ofSeconds(240)).succeeded();
    assertThat(exec.out()).matches("\\{\"square\":\\[(9,49|49,9)]}\\n");
    assertThat(exec.err())
        .contains("QuickStart COMPLETED: add 2/2 (")
        .contains("QuickStart: COMPLETED in ")
        .doesNotContain("SLF4J", "\033");
    assertThat(project.resolve("target/classes/com/example/QuickStartGraph.class")).exists();

    UserMaven.Ran java =
        maven
            .bash(project, readme.block("commands:classpath"), Duration.ofSeconds(120))
            .succeeded();
    assertThat(java.out()).matches("\\{\"square\":\\[(9,49|49,9)]}\\n");
    assertThat(java.err()).startsWith("QuickStart: COMPLETED in ").doesNotContain("SLF4J");
  }
}

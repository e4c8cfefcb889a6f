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
 * The archetype, as a new user meets it: generate a starter project into an empty folder, then type
 * the two commands of its README.
 */
@Timeout(300)
class StarterIT {
  @TempDir Path dir;

  /** The pinned form of the plugin the README calls by its prefix (offline, Maven has no index). */
  private static final String ARCHETYPE_PLUGIN =
      "org.apache.maven.plugins:maven-archetype-plugin:"
          + System.getProperty("cf.archetypePlugin", "3.4.1")
          + ":generate";

  /** The README's archetype commands: generate, cd, then the starter's two commands. */
  private static List<String> readme() throws Exception {
    return Markdown.read(UserMaven.root().resolve("README.md")).commands("commands:archetype");
  }

  /** The README's generate command, as this offline Maven can run it. */
  private static String generate(String... extra) throws Exception {
    String command = readme().getFirst();
    assertThat(command)
        .startsWith("mvn archetype:generate ")
        .contains("-DarchetypeVersion=" + UserMaven.version() + " ");
    return command.replace("mvn archetype:generate", "mvn -q " + ARCHETYPE_PLUGIN)
        + String.join("", List.of(extra).stream().map(e -> " " + e).toList());
  }

  @Test
  void theStarterBuildsTestsAndRunsWithItsReadmesTwoCommands() throws Exception {
    UserMaven maven = UserMaven.get();
    maven.bash(dir, generate(), Duration.ofSeconds(120)).succeeded();
    Path project = dir.resolve("hello-flow");
    assertThat(project.resolve("src/main/java/com/example/hello/Words.java")).exists();
    assertThat(project.resolve("src/test/java/com/example/hello/WordsTest.java")).exists();
    assertThat(project.resolve("src/main/resources/tinylog.properties")).exists();
    String pom = Files.readString(project.resolve("pom.xml"), StandardCharsets.UTF_8);
    assertThat(pom)
        .contains("<celestialflow.version>" + UserMaven.version() + "</celestialflow.version>")
        .contains("<artifactId>celestialflow-bom</artifactId>")
        .contains("<artifactId>slf4j-tinylog</artifactId>")
        .contains(
            """
                <dependency>
                  <groupId>io.celestialflow</groupId>
                  <artifactId>celestialflow-dashboard</artifactId>
                </dependency>
            """)
        .doesNotContain("#if", "$dashboard", "${dollar}");

    List<String> commands = Markdown.read(project.resolve("README.md")).commands("commands");
    assertThat(commands).hasSize(2);
    assertThat(commands.get(0)).isEqualTo("mvn verify");
    assertThat(readme().subList(1, readme().size()))
        .as("the top README's archetype commands end with the starter README's")
        .containsExactly("cd hello-flow", commands.get(0), commands.get(1));

    UserMaven.Ran verify = maven.bash(project, commands.get(0), Duration.ofSeconds(240));
    verify.succeeded();
    assertThat(verify.out())
        .contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0")
        .contains("BUILD SUCCESS");

    UserMaven.Ran run = maven.bash(project, commands.get(1), Duration.ofSeconds(120)).succeeded();
    assertThat(run.out())
        .startsWith("{\"measure\":[")
        .contains("{\"text\":\"quick\",\"letters\":5}", "{\"text\":\"the\",\"letters\":3}")
        .doesNotContain("\033");
    assertThat(run.out().split("\"text\"", -1)).hasSize(11); // 10 distinct words of tasks.json
    assertThat(run.err())
        .startsWith("words: COMPLETED in ")
        .contains("duplicates     2")
        .doesNotContain("SLF4J", "WARN", "\033");

    UserMaven.Ran help =
        maven.bash(project, "mvn -q exec:java -Dexec.args=--help", Duration.ofSeconds(120));
    help.succeeded();
    assertThat(help.out())
        .startsWith("usage: java -cp <class path> com.example.hello.WordsGraph [options]")
        .contains("  --dashboard[=PORT] ")
        .contains("  split: java.lang.String");
    assertThat(help.err()).isEmpty();
  }

  @Test
  void theDashboardDependencyIsOneSwitchAway() throws Exception {
    UserMaven maven = UserMaven.get();
    maven.bash(dir, generate("-Ddashboard=false"), Duration.ofSeconds(120)).succeeded();

    String pom = Files.readString(dir.resolve("hello-flow/pom.xml"), StandardCharsets.UTF_8);
    assertThat(pom)
        .doesNotContain(
            """
                <dependency>
                  <groupId>io.celestialflow</groupId>
                  <artifactId>celestialflow-dashboard</artifactId>
                </dependency>
            """);
  }
}

package io.celestialflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's install-from-source command, on a copy of the sources (a build of its own: slow, so
 * tagged; run with {@code -Dit.excludedGroups=}).
 */
@Tag("slow")
@Timeout(900)
class InstallFromSourceIT {
  @TempDir Path copy;

  @Test
  void theReadmesInstallCommandInstallsWhatAProjectNeeds() throws Exception {
    List<String> install =
        Markdown.read(UserMaven.root().resolve("README.md")).commands("commands:install").stream()
            .filter(c -> c.startsWith("mvn "))
            .toList();
    assertThat(install).hasSize(1);
    copySources(UserMaven.root(), copy);
    UserMaven maven = UserMaven.get();
    Path repository = maven.repository().resolve("io/celestialflow");
    for (String artifact : List.of("celestialflow-runtime", "celestialflow-archetype")) {
      Files.deleteIfExists(
          repository
              .resolve(artifact)
              .resolve(UserMaven.version())
              .resolve(artifact + "-" + UserMaven.version() + ".jar"));
    }

    maven.bash(copy, install.getFirst(), Duration.ofSeconds(840)).succeeded();

    for (String artifact :
        List.of(
            "celestialflow-parent",
            "celestialflow-bom",
            "celestialflow-runtime",
            "celestialflow-processor",
            "celestialflow-archetype")) {
      Path dir = repository.resolve(artifact).resolve(UserMaven.version());
      assertThat(dir.resolve(artifact + "-" + UserMaven.version() + ".pom")).exists();
    }
    assertThat(
            repository.resolve(
                "celestialflow-runtime/"
                    + UserMaven.version()
                    + "/celestialflow-runtime-"
                    + UserMaven.version()
                    + ".jar"))
        .exists();
  }

  /** Copies the source tree, without build output, version control and the Go module. */
  private static void copySources(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(f);
        String s = rel.toString();
        if (s.equals(".git")
            || s.startsWith(".git/")
            || s.startsWith("go-worker")
            || s.equals("target")
            || s.contains("/target/")
            || s.endsWith("/target")
            || s.startsWith("target/")) {
          continue;
        }
        if (Files.isDirectory(f)) {
          Files.createDirectories(to.resolve(s));
        } else {
          Files.copy(f, to.resolve(s));
        }
      }
    }
  }
}

package io.celestialflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The BOM pins every published module of the reactor, at the reactor's version. */
@Timeout(10)
class BomTest {
  /** Modules that are not dependencies of users' projects. */
  private static final List<String> NOT_PINNED =
      List.of("celestialflow-bom", "celestialflow-archetype");

  @Test
  void theBomHasTheReactorsVersion() throws Exception {
    String bom = Files.readString(UserMaven.root().resolve("bom/pom.xml"), StandardCharsets.UTF_8);
    assertThat(bom)
        .contains(
            "<artifactId>celestialflow-bom</artifactId>\n  <version>"
                + UserMaven.version()
                + "</version>")
        .doesNotContain("<parent>");
  }

  @Test
  void theBomPinsEveryPublishedModuleAndNothingElse() throws Exception {
    List<String> published = new ArrayList<>();
    for (String module : UserMaven.modules()) {
      Path pom = UserMaven.root().resolve(module).resolve("pom.xml");
      String xml = Files.readString(pom, StandardCharsets.UTF_8);
      String artifactId = UserMaven.artifactId(pom);
      if (!xml.contains("<maven.deploy.skip>true</maven.deploy.skip>")
          && !NOT_PINNED.contains(artifactId)) {
        published.add(artifactId);
      }
    }

    assertThat(published).contains("celestialflow-runtime", "celestialflow-processor");
    assertThat(UserMaven.bomArtifacts())
        .as("bom/pom.xml: add one line per published module")
        .containsExactlyInAnyOrderElementsOf(published);
  }

  @Test
  void theNewUserTestsBuildAfterEveryModuleTheBomPins() throws Exception {
    String it = Files.readString(UserMaven.root().resolve("it/pom.xml"), StandardCharsets.UTF_8);
    for (String artifact : UserMaven.bomArtifacts()) {
      assertThat(it)
          .as("it/pom.xml depends on %s, so the reactor builds it first", artifact)
          .contains("<artifactId>" + artifact + "</artifactId>");
    }
  }
}

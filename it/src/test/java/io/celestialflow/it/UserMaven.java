package io.celestialflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's shell with a user's Maven, for builds outside the reactor: commands run in {@code bash}
 * with a {@code mvn} on the {@code PATH} that builds offline against a private local repository.
 *
 * <h2>The private repository</h2>
 *
 * The CelestialFlow artifacts this build made (the parent and BOM poms, every module the BOM lists
 * that exists, and the archetype) are copied from their modules' {@code target} folders into a
 * local repository of its own, {@code it/target/it/repository}, as {@code mvn install} would lay
 * them out — nothing is installed into the shared {@code ~/.m2}. Every other artifact (plugins,
 * JUnit, tinylog) comes from this build's own local repository, read as a {@code file://} mirror of
 * every remote repository, with Maven offline ({@code -o -Daether.offline.protocols=file}): nothing
 * is downloaded, and on a fresh machine the artifacts are there because this build resolved them
 * (the {@code it} module depends on the exec plugin for that reason). SNAPSHOTs never come from the
 * mirror (central's policy, which it takes, has snapshots off), so a stale CelestialFlow in {@code
 * ~/.m2} cannot stand in for this build's.
 */
final class UserMaven {
  private static final Path ROOT =
      Path.of(System.getProperty("cf.root", "..")).toAbsolutePath().normalize();
  private static final String VERSION = System.getProperty("cf.version", "0.1.0-SNAPSHOT");
  private static final Path WORK =
      Path.of(System.getProperty("cf.work", "target/it")).toAbsolutePath().normalize();

  private static UserMaven instance;

  private final Path repository;
  private final Path bin;

  private UserMaven(Path repository, Path bin) {
    this.repository = repository;
    this.bin = bin;
  }

  /** The shared set-up, made once per test JVM: the private repository, settings, the wrapper. */
  static synchronized UserMaven get() throws IOException {
    if (instance == null) {
      Path repository = WORK.resolve("repository");
      installReactorArtifacts(repository);
      Path buildRepository =
          Path.of(
              System.getProperty(
                  "cf.buildRepository", System.getProperty("user.home") + "/.m2/repository"));
      Path settings = WORK.resolve("settings.xml");
      Files.writeString(
          settings,
          """
          <settings>
            <localRepository>%s</localRepository>
            <mirrors>
              <mirror>
                <id>this-build</id>
                <mirrorOf>*</mirrorOf>
                <url>%s</url>
              </mirror>
            </mirrors>
          </settings>
          """
              .formatted(repository, buildRepository.toUri()),
          StandardCharsets.UTF_8);
      Path bin = WORK.resolve("bin");
      Files.createDirectories(bin);
      Path mvn = bin.resolve("mvn");
      Path realMvn = Path.of(System.getProperty("maven.home", "/usr/share/maven"), "bin", "mvn");
      Files.writeString(
          mvn,
          """
          #!/bin/sh
          exec "%s" -B -ntp -o -Daether.offline.protocols=file -s "%s" "$@"
          """
              .formatted(realMvn, settings),
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
      instance = new UserMaven(repository, bin);
    }
    return instance;
  }

  static String version() {
    return VERSION;
  }

  static Path root() {
    return ROOT;
  }

  Path repository() {
    return repository;
  }

  // ---------------------------------------------------------------- the reactor's artifacts

  private static void installReactorArtifacts(Path repository) throws IOException {
    install(repository, "celestialflow-parent", ROOT.resolve("pom.xml"), null);
    install(repository, "celestialflow-bom", ROOT.resolve("bom/pom.xml"), null);
    installModule(repository, "archetype", "celestialflow-archetype");
    for (String artifact : bomArtifacts()) {
      Path module = moduleOf(artifact);
      if (module != null) {
        installModule(repository, ROOT.relativize(module).toString(), artifact);
      }
    }
  }

  /** The artifactIds the BOM pins. */
  static List<String> bomArtifacts() throws IOException {
    String bom = Files.readString(ROOT.resolve("bom/pom.xml"), StandardCharsets.UTF_8);
    List<String> artifacts = new ArrayList<>();
    Matcher m = Pattern.compile("<artifactId>(celestialflow-[a-z-]+)</artifactId>").matcher(bom);
    while (m.find()) {
      if (!m.group(1).equals("celestialflow-bom")) {
        artifacts.add(m.group(1));
      }
    }
    return artifacts;
  }

  /** The module folder whose pom declares this artifactId, or null. */
  static Path moduleOf(String artifactId) throws IOException {
    for (String module : modules()) {
      Path dir = ROOT.resolve(module);
      if (artifactId.equals(artifactId(dir.resolve("pom.xml")))) {
        return dir;
      }
    }
    return null;
  }

  /** The modules of the root pom. */
  static List<String> modules() throws IOException {
    String root = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    List<String> modules = new ArrayList<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(root);
    while (m.find()) {
      modules.add(m.group(1).strip());
    }
    return modules;
  }

  /** The project's own artifactId (the first one after its parent's). */
  static String artifactId(Path pom) throws IOException {
    String xml = Files.readString(pom, StandardCharsets.UTF_8);
    int parentEnd = xml.indexOf("</parent>");
    Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(xml);
    return m.find(Math.max(0, parentEnd)) ? m.group(1) : "";
  }

  private static void installModule(Path repository, String module, String artifactId)
      throws IOException {
    Path jar = ROOT.resolve(module).resolve("target").resolve(artifactId + "-" + VERSION + ".jar");
    assertThat(jar).as("built by this reactor before the integration tests").exists();
    install(repository, artifactId, ROOT.resolve(module).resolve("pom.xml"), jar);
  }

  private static void install(Path repository, String artifactId, Path pom, Path jar)
      throws IOException {
    Path dir = repository.resolve("io/celestialflow").resolve(artifactId).resolve(VERSION);
    Files.createDirectories(dir);
    String base = artifactId + "-" + VERSION;
    Files.copy(pom, dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(jar, dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  // ---------------------------------------------------------------- running commands

  /** What a command printed, and its exit status. */
  record Ran(String commands, int status, String out, String err) {
    /** Fails with everything printed unless the status is 0. */
    Ran succeeded() {
      assertThat(status)
          .as("exit status of%n%s%n--- stdout:%n%s%n--- stderr:%n%s", commands, out, err)
          .isZero();
      return this;
    }
  }

  /**
   * Runs shell commands as a user types them, in {@code dir}, with this JDK and the offline {@code
   * mvn}; stops on the first failing command.
   */
  Ran bash(Path dir, String commands, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile(WORK, "out", ".txt");
    Path err = Files.createTempFile(WORK, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-e", "-c", commands)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    String javaHome = System.getProperty("java.home");
    env.put("JAVA_HOME", javaHome);
    env.put("PATH", bin + ":" + javaHome + "/bin:" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    // Debian's Maven 3.8 prints ESC[0m without this; JDK 24+ warns about Maven's Guava without
    // that.
    String opts = "-Djansi.noreset=true";
    if (Runtime.version().feature() >= 24) {
      opts += " --sun-misc-unsafe-memory-access=allow";
    }
    env.put("MAVEN_OPTS", opts);
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "did not end within "
              + timeout
              + ":\n"
              + commands
              + "\n--- stdout:\n"
              + read(out)
              + "\n--- stderr:\n"
              + read(err));
    }
    return new Ran(commands, p.exitValue(), read(out), read(err));
  }

  private static String read(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8);
      Files.deleteIfExists(file);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

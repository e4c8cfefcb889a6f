package io.celestialflow.redis;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Go worker's {@code cfworker} binary, built from {@code go-worker/} into {@code
 * redis/target/go/cfworker} by {@code go build} (once per JVM; Go's build cache makes later builds
 * quick). Fails with a clear message when {@code go} is not installed.
 */
final class GoWorkerBinary {
  private static @Nullable Path built;

  private GoWorkerBinary() {}

  /** The binary, built if needed. */
  static synchronized Path get() throws IOException, InterruptedException {
    Path b = built;
    if (b != null) {
      return b;
    }
    String go = findGo();
    // From redis/ (the tests) or from the repository root (the benchmark, by hand).
    Path module = Path.of("..", "go-worker").toAbsolutePath().normalize();
    if (!Files.isRegularFile(module.resolve("go.mod"))) {
      module = Path.of("go-worker").toAbsolutePath().normalize();
    }
    if (!Files.isRegularFile(module.resolve("go.mod"))) {
      throw new IllegalStateException(
          "the Go worker's module (go-worker/go.mod) is neither in .. nor in the current directory");
    }
    Path out = module.resolveSibling("redis").resolve(Path.of("target", "go", "cfworker"));
    Files.createDirectories(out.getParent());
    Path log = out.resolveSibling("build.log");
    ProcessBuilder pb =
        new ProcessBuilder(go, "build", "-o", out.toString(), "./cmd/cfworker")
            .directory(module.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    String tmp = System.getProperty("java.io.tmpdir");
    if (tmp != null) {
      pb.environment().put("GOTMPDIR", tmp);
    }
    Process p = pb.start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("go build of the Go worker took more than 240 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "go build of the Go worker failed (in "
              + module
              + "):\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    built = out;
    return out;
  }

  /** The {@code go} command: on the PATH, else where Go is usually installed. */
  static String findGo() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    for (String d :
        Pattern.compile(Pattern.quote(File.pathSeparator)).split(path == null ? "" : path)) {
      if (!d.isEmpty()) {
        candidates.add(Path.of(d, "go"));
      }
    }
    candidates.add(Path.of("/usr/local/go/bin/go"));
    candidates.add(Path.of("/usr/lib/go/bin/go"));
    for (Path c : candidates) {
      if (Files.isExecutable(c)) {
        return c.toString();
      }
    }
    throw new IllegalStateException(
        "the Go toolchain ('go', 1.26 or newer) is not installed: the end-to-end tests with the Go"
            + " worker build it from ../go-worker (https://go.dev/doc/install)");
  }

  /** Starts a Go worker serving stages of a graph, and waits for its ready line. */
  static ChildProcess start(
      RedisServer server, String graph, String stages, String consumer, String... more)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(get().toString());
    cmd.addAll(
        List.of("-redis", server.uri(), "-graph", graph, "-stages", stages, "-consumer", consumer));
    cmd.addAll(List.of(more));
    ChildProcess p = ChildProcess.start(consumer, cmd, Map.of());
    try {
      p.awaitLine(l -> l.startsWith("ready "), java.time.Duration.ofSeconds(30));
    } catch (AssertionError | InterruptedException e) {
      p.close();
      throw e;
    }
    return p;
  }
}

package io.celestialflow.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.celestialflow.processor.Sources.compile;
import static io.celestialflow.processor.Sources.source;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.testing.compile.Compilation;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated graph with PROCESS stages runs in real worker JVMs.
 *
 * <p>A worker JVM starts with the class path of the JVM that drives the graph, and the runtime
 * refuses a stage class that the system class loader did not load; classes compiled in memory are
 * neither. So the test writes the compiled classes to a directory and runs the generated runner
 * ({@code main}) in a JVM of its own, with that directory on its class path: the runner drives the
 * graph, and its workers find the generated function classes. The class is package-private, so the
 * generated graph and its function classes are too: workers create them all the same.
 */
@Timeout(60)
class ProcessStagesRunTest {
  @TempDir Path dir;

  @AfterEach
  void noProcessLeft() {
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .isEmpty();
  }

  @Test
  void theRunnerDrivesProcessStagesOfEveryKindInWorkerJvms() throws Exception {
    Compilation c =
        compile(
            source(
                "Chunks",
                "class Chunks {",
                "  /** The JVM this instance was created in: a worker, for PROCESS stages. */",
                "  private final long pid = ProcessHandle.current().pid();",
                "",
                "  public record Tagged(int value, long pid) {}",
                "",
                "  @Stage(",
                "      kind = StageKind.SPLITTER,",
                "      mode = ExecutionMode.PROCESS,",
                "      heap = \"64m\",",
                "      heartbeatTimeoutMillis = 5000)",
                "  @Edge(to = \"square\")",
                "  static int[] range(int from, int to) { return IntStream.range(from, to).toArray(); }",
                "",
                "  @Stage(mode = ExecutionMode.PROCESS, workers = 2, jvmArgs = \"-Dchunks.factor=3\")",
                "  @Edge(to = \"route\")",
                "  Tagged square(int x) {",
                "    return new Tagged(x * x * Integer.getInteger(\"chunks.factor\", 1), pid);",
                "  }",
                "",
                "  @Stage(kind = StageKind.ROUTER, mode = ExecutionMode.PROCESS, routes = {\"even\","
                    + " \"odd\"})",
                "  @Edge(to = \"even\")",
                "  @Edge(to = \"odd\")",
                "  static Routed<Tagged> route(Tagged t) {",
                "    return Routed.to(t.value() % 2 == 0 ? \"even\" : \"odd\", t);",
                "  }",
                "",
                "  @Stage",
                "  static Tagged even(Tagged t) { return t; }",
                "",
                "  @Stage(mode = ExecutionMode.PROCESS)",
                "  static void odd(Tagged t) { System.out.println(\"odd \" + t.value()); }",
                "}"));
    assertThat(c).succeededWithoutWarnings();
    Path classes = writeClasses(c, dir.resolve("classes"));
    Set<Path> progressFilesBefore = progressFiles();

    Process driver =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path") + File.pathSeparator + classes,
                "demo.ChunksGraph",
                "--input",
                "range=[[1,7]]")
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    boolean exited;
    try {
      exited = driver.waitFor(45, TimeUnit.SECONDS);
    } finally {
      driver.destroyForcibly();
      driver.waitFor(10, TimeUnit.SECONDS);
    }
    String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    assertWithMessage("the runner did not exit in time; stdout:%n%s%nstderr:%n%s", out, err)
        .that(exited)
        .isTrue();
    assertWithMessage("stdout:%n%s%nstderr:%n%s", out, err).that(driver.exitValue()).isEqualTo(0);

    // 1..6 squared, times the factor from the worker's -D option; the router sends the even ones
    // to 'even' (collected) and the odd ones to the consumer 'odd', whose prints come back tagged.
    JsonObject result = JsonParser.parseString(jsonLine(out, err)).getAsJsonObject();
    List<Integer> evens = new ArrayList<>();
    Set<Long> pids = new HashSet<>();
    for (JsonElement e : result.getAsJsonArray("even")) {
      evens.add(e.getAsJsonObject().get("value").getAsInt());
      pids.add(e.getAsJsonObject().get("pid").getAsLong());
    }
    assertThat(evens).containsExactly(12, 48, 108);
    assertThat(out).containsMatch("(?m)^\\[odd#0\\] odd 3$");
    assertThat(out).containsMatch("(?m)^\\[odd#0\\] odd 27$");
    assertThat(out).containsMatch("(?m)^\\[odd#0\\] odd 75$");
    // Each square worker created its own Chunks, in its own JVM, and is gone with the run.
    assertThat(pids).doesNotContain(driver.pid());
    assertThat(pids).doesNotContain(ProcessHandle.current().pid());
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()).isFalse();
    }
    Set<Path> left = new HashSet<>(progressFiles());
    left.removeAll(progressFilesBefore);
    assertThat(left).isEmpty();
  }

  /** The runner prints the collected outputs as one JSON line among the workers' output. */
  private static String jsonLine(String out, String err) {
    return out.lines()
        .filter(l -> l.startsWith("{"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no JSON output:\n" + out + "\nstderr:\n" + err));
  }

  /** Writes the compiled classes as files, e.g. {@code demo/ChunksGraph$SquareFunction.class}. */
  private static Path writeClasses(Compilation c, Path root) throws IOException {
    for (JavaFileObject f : c.generatedFiles()) {
      if (f.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      // e.g. /CLASS_OUTPUT/demo/ChunksGraph$Run.class
      String path = f.toUri().getPath().substring("/CLASS_OUTPUT/".length());
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      try (InputStream in = f.openInputStream()) {
        Files.write(file, in.readAllBytes());
      }
    }
    return root;
  }

  private static Set<Path> progressFiles() throws IOException {
    try (var files =
        Files.newDirectoryStream(
            Path.of(System.getProperty("java.io.tmpdir")), "celestialflow-worker-*.progress")) {
      Set<Path> out = new HashSet<>();
      files.forEach(out::add);
      return out;
    }
  }
}

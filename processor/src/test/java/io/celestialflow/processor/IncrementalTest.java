package io.celestialflow.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static io.celestialflow.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental builds: a build tool recompiles only the changed files, with the previous build's
 * classes (the old generated graph included) on the class path.
 */
@Timeout(60)
class IncrementalTest {
  private static final String[] V1 = {
    "public class Quickstart {",
    "  @Stage",
    "  @Edge(to = \"square\")",
    "  int add(int x, int y) { return x + y; }",
    "  @Stage",
    "  int square(int x) { return x * x; }",
    "}"
  };

  /** One method changed (square now returns long and feeds a new stage). */
  private static final String[] V2 = {
    "public class Quickstart {",
    "  @Stage",
    "  @Edge(to = \"square\")",
    "  int add(int x, int y) { return x + y; }",
    "  @Stage",
    "  @Edge(to = \"half\")",
    "  long square(int x) { return (long) x * x; }",
    "  @Stage",
    "  double half(long x) { return x / 2.0; }",
    "}"
  };

  @Test
  void recompilingTheChangedClassRegeneratesItsGraph(@TempDir Path previousBuild)
      throws IOException, ReflectiveOperationException {
    Compilation first = Sources.compile(source("Quickstart", V1));
    assertThat(first).succeededWithoutWarnings();
    writeClasses(first, previousBuild);

    // The client uses what only the new graph has, so the stale class cannot satisfy it.
    JavaFileObject client =
        source(
            "Client",
            "class Client {",
            "  List<Double> halves() {",
            "    try (QuickstartGraph graph = new QuickstartGraph(new Quickstart())) {",
            "      return graph.run(List.of(new QuickstartGraph.AddArgs(1, 2))).half();",
            "    }",
            "  }",
            "}");
    Compilation second =
        javac()
            .withProcessors(new StageProcessor())
            .withOptions(Sources.OPTIONS)
            .withClasspath(classpathWith(previousBuild))
            .compile(source("Quickstart", V2), client);

    assertThat(second).succeededWithoutWarnings();
    assertThat(second)
        .generatedSourceFile("demo.QuickstartGraph")
        .contentsAsUtf8String()
        .contains("TaskStage.<Long, Double>map(\"half\", target::half)");
    Loaded classes = new Loaded(second);
    Object client1 = classes.create("demo.Client", new Class<?>[0]);
    var halves = client1.getClass().getDeclaredMethod("halves");
    halves.setAccessible(true);
    assertThat(invoke(halves, client1)).isEqualTo(List.of(4.5));
  }

  @Test
  void recompilingAnotherClassAloneLeavesThePreviousGraphInPlace(@TempDir Path previousBuild)
      throws IOException {
    Compilation first =
        Sources.compile(source("Quickstart", V1), source("Other", "class Other {}"));
    writeClasses(first, previousBuild);

    Compilation second =
        javac()
            .withProcessors(new StageProcessor())
            .withOptions(Sources.OPTIONS)
            .withClasspath(classpathWith(previousBuild))
            .compile(
                source(
                    "Other",
                    "class Other {",
                    "  int use() { return new QuickstartGraph(new Quickstart()).graph().stages().size(); }",
                    "}"));

    assertThat(second).succeededWithoutWarnings();
    assertThat(second.generatedSourceFiles()).isEmpty();
  }

  private static Object invoke(java.lang.reflect.Method m, Object target) {
    try {
      return m.invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new LinkageError(e.getMessage(), e);
    }
  }

  private static void writeClasses(Compilation c, Path dir) throws IOException {
    for (JavaFileObject f : c.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        String path = f.toUri().getPath().substring("/CLASS_OUTPUT/".length());
        Path target = dir.resolve(path);
        Files.createDirectories(target.getParent());
        try (InputStream in = f.openInputStream()) {
          Files.write(target, in.readAllBytes());
        }
      }
    }
  }

  /** The test class path (the runtime) plus the previous build's classes. */
  private static List<File> classpathWith(Path previousBuild) {
    List<File> path = new ArrayList<>();
    path.add(previousBuild.toFile());
    java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(File.pathSeparator))
        .splitAsStream(System.getProperty("java.class.path"))
        .forEach(entry -> path.add(new File(entry)));
    return path;
  }
}

package io.celestialflow.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden files: for each input under {@code src/test/resources/golden/<case>/}, the generated
 * source must equal {@code <Class>Graph.java} next to it. Run with {@code -Dgolden.update=true} to
 * rewrite the goldens after an intended change, then review the diff.
 */
@Timeout(60)
class GoldenTest {
  private static final String CASES =
      """
      quickstart, Quickstart
      splitter_router, Triage
      cycle, Crawler
      multi_argument, Labels
      process, Sieve
      """;

  private static JavaFileObject input(String dir, String name) {
    return Sources.resource("golden/" + dir + "/" + name + ".java");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = CASES)
  void theGeneratedSourceIsTheGolden(String dir, String name) throws IOException {
    Compilation c = Sources.compile(input(dir, name));

    assertThat(c).succeededWithoutWarnings();
    String generated =
        c.generatedSourceFile("demo." + name + "Graph")
            .orElseThrow()
            .getCharContent(true)
            .toString();
    Path golden = Path.of("src/test/resources/golden", dir, name + "Graph.java");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, generated, StandardCharsets.UTF_8);
    }
    assertThat(c)
        .generatedSourceFile("demo." + name + "Graph")
        .hasSourceEquivalentTo(Sources.resource("golden/" + dir + "/" + name + "Graph.java"));
    // Formatting and comments too: what users read in their IDE is what was reviewed here.
    assertThat(generated).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = CASES)
  void theOutputIsByteIdenticalForTheSameSource(String dir, String name) throws IOException {
    String first = generated(Sources.compile(input(dir, name)), name);
    String second = generated(Sources.compile(input(dir, name)), name);

    assertThat(second).isEqualTo(first);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = CASES)
  void theGeneratedSourceCompilesWithoutAnyWarningUnderXlintAll(String dir, String name) {
    Compilation processed = Sources.compile(input(dir, name));
    List<JavaFileObject> sources = new ArrayList<>(processed.generatedSourceFiles());
    sources.add(input(dir, name));

    // Without the processor, so that even -Xlint:processing has nothing to say.
    Compilation plain =
        javac()
            .withOptions("--release", "21", "-proc:none", "-Xlint:all", "-Werror")
            .compile(sources);

    assertThat(plain).succeededWithoutWarnings();
  }

  private static String generated(Compilation c, String name) throws IOException {
    return c.generatedSourceFile("demo." + name + "Graph")
        .orElseThrow()
        .getCharContent(true)
        .toString();
  }
}

package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Type parameters flow through the builder: wiring incompatible stages does not compile. */
@Timeout(60)
class TypeSafetyTest {

  private static String wiring(String edge) {
    return """
    import io.celestialflow.*;
    class Wiring {
      void wire() {
        TaskStage<String, Integer> length = TaskStage.map("length", String::length).build();
        TaskStage<Number, String> show = TaskStage.map("show", (Number n) -> "n=" + n).build();
        TaskStage<String, String> upper = TaskStage.map("upper", (String s) -> s.trim()).build();
        TaskGraph.builder().stages(length, show, upper).%s.build();
      }
    }
    """
        .formatted(edge);
  }

  /** Where javac writes the classes it compiles (a fixed /tmp path was shared by every build). */
  @TempDir Path classes;

  private DiagnosticCollector<JavaFileObject> compile(String source) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject file =
        new SimpleJavaFileObject(URI.create("string:///Wiring.java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    List<String> options =
        List.of(
            "-proc:none",
            "-d",
            classes.toString(),
            "-classpath",
            System.getProperty("java.class.path"));
    javac.getTask(new StringWriter(), null, diagnostics, options, null, List.of(file)).call();
    return diagnostics;
  }

  @Test
  void anEdgeBetweenCompatibleTypesCompiles() {
    // Integer output into a Number input: assignable.
    assertThat(compile(wiring("edge(length, show)")).getDiagnostics()).isEmpty();
  }

  @Test
  void anEdgeBetweenIncompatibleTypesDoesNotCompile() {
    // Integer output into a String input.
    DiagnosticCollector<JavaFileObject> d = compile(wiring("edge(length, upper)"));
    assertThat(d.getDiagnostics())
        .anySatisfy(x -> {
          assertThat(x.getKind()).isEqualTo(javax.tools.Diagnostic.Kind.ERROR);
          assertThat(x.getMessage(null)).contains("edge");
        });
  }

  @Test
  void inputsOfTheWrongTypeDoNotCompile() {
    String source =
        """
        import io.celestialflow.*;
        import java.util.List;
        class Wiring {
          void wire(TaskGraph graph, TaskStage<String, Integer> length) {
            graph.newRun().input(length, List.of(1, 2, 3));
          }
        }
        """;
    assertThat(compile(source).getDiagnostics())
        .anySatisfy(x -> assertThat(x.getKind()).isEqualTo(javax.tools.Diagnostic.Kind.ERROR));
  }
}

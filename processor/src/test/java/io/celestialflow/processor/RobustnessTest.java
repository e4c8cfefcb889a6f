package io.celestialflow.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static io.celestialflow.processor.Sources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The processor never throws out to javac and copes with types that appear in later rounds. */
@Timeout(60)
class RobustnessTest {
  private static final JavaFileObject QUICKSTART =
      Sources.resource("golden/quickstart/Quickstart.java");

  @Test
  void anUnexpectedFailureBecomesOneErrorOnTheClassAskingForABugReport() {
    StageProcessor failing =
        new StageProcessor(model -> {
          throw new IllegalStateException("boom");
        });

    Compilation c = Sources.compile(failing, QUICKSTART);

    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "the CelestialFlow processor failed unexpectedly on demo.Quickstart; this is a bug in"
                + " the processor, please report it with this message and the class:"
                + " java.lang.IllegalStateException: boom")
        .inFile(QUICKSTART)
        .onLineContaining("public class Quickstart");
  }

  @Test
  void aStageSignatureWithAnUnknownTypeGeneratesNothingAndSaysWhy() {
    JavaFileObject file =
        source(
            "Broken",
            "public class Broken {",
            "  @Stage",
            "  int add(Missing x) { return 1; }",
            "}");

    Compilation c = Sources.compile(file);

    assertThat(c).failed();
    assertThat(c)
        .hadErrorContaining("cannot find symbol")
        .inFile(file)
        .onLineContaining("Missing x");
    assertThat(c)
        .hadErrorContaining(
            "BrokenGraph was not generated because type Missing of stage method add could not be"
                + " resolved")
        .inFile(file)
        .onLineContaining("public class Broken");
  }

  @Test
  void anAnnotationValueThatCannotBeResolvedGeneratesNothingAndSaysWhy() {
    JavaFileObject file =
        source(
            "Broken",
            "public class Broken {",
            "  @Stage(retryOn = MissingException.class)",
            "  @Edge(to = Names.MISSING)",
            "  int add(int x) { return x; }",
            "}");

    Compilation c = Sources.compile(file);

    assertThat(c).failed();
    assertThat(c).hadErrorContaining("cannot find symbol").inFile(file).onLineContaining("retryOn");
    assertThat(c)
        .hadErrorContaining(
            "BrokenGraph was not generated because a value of @Stage on add could not be resolved")
        .inFile(file)
        .onLineContaining("public class Broken");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void aTypeThatAnotherProcessorGeneratesLaterIsWaitedFor() {
    JavaFileObject file =
        source(
            "Uses",
            "public class Uses {",
            "  @Stage",
            "  @Edge(to = \"show\")",
            "  Made make(String s) { return new Made(s); }",
            "  @Stage",
            "  String show(Made m) { return m.value(); }",
            "}");

    Compilation c =
        javac()
            .withProcessors(new StageProcessor(), new GeneratesMade())
            .withOptions(Sources.OPTIONS)
            .compile(file);

    assertThat(c).succeededWithoutWarnings();
    assertThat(c)
        .generatedSourceFile("demo.UsesGraph")
        .contentsAsUtf8String()
        .contains("private final TaskStage<String, Made> makeStage;");
  }

  /** Generates {@code demo.Made} in its first round, as a code generator would. */
  private static final class GeneratesMade extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!done) {
        done = true;
        JavaFileObject made =
            JavaFileObjects.forSourceString(
                "demo.Made", "package demo; public record Made(String value) {}");
        try (Writer w = processingEnv.getFiler().createSourceFile("demo.Made").openWriter()) {
          w.write(made.getCharContent(true).toString());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }
}

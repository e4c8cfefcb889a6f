package io.celestialflow.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Test sources and compilations shared by the processor tests. */
final class Sources {
  private Sources() {}

  /** Options of every compilation: the project's release, every lint but "processing", -Werror. */
  static final List<String> OPTIONS =
      List.of("--release", "21", "-Xlint:all,-processing", "-Werror");

  /**
   * A source file of package {@code demo} that imports the annotations and common JDK packages;
   * {@code lines} start at line 7 of the file.
   */
  static JavaFileObject source(String simpleName, String... lines) {
    List<String> all = new ArrayList<>();
    all.add("package demo;");
    all.add("import io.celestialflow.*;");
    all.add("import java.util.*;");
    all.add("import java.util.concurrent.*;");
    all.add("import java.util.stream.*;");
    all.add("");
    all.addAll(List.of(lines));
    return JavaFileObjects.forSourceLines("demo." + simpleName, all);
  }

  /** A file under {@code src/test/resources}. */
  static JavaFileObject resource(String path) {
    return JavaFileObjects.forResource(path);
  }

  /** Compiles with the processor. */
  static Compilation compile(JavaFileObject... files) {
    return compile(new StageProcessor(), files);
  }

  static Compilation compile(StageProcessor processor, JavaFileObject... files) {
    return javac().withProcessors(processor).withOptions(OPTIONS).compile(files);
  }
}
